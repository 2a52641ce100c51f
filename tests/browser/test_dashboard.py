"""The leader reads the dashboard in both languages in Chromium at 1440 px: the headline figures whole (nothing
cut off with an ellipsis), the charts drawn, no error, exception or console error."""
from __future__ import annotations

import pytest

from tests.browser import ui

pytestmark = pytest.mark.xdist_group("browser")  # one worker serves the app; see conftest.py



@pytest.mark.parametrize(("language", "figures", "charts"), [
    ("nb", "Hovedtall", "Utviklingen"),
    ("en", "Headline figures", "Trends"),
])
def test_leader_reads_the_dashboard(browser, app_url, language, figures, charts):
    visit = ui.open_tab(browser, app_url, "leder", language)
    page = visit.page
    page.get_by_role("heading", name=charts).wait_for()
    page.wait_for_function("() => document.querySelectorAll('figure.bo-chart svg[role=img]').length >= 5")
    assert page.get_by_role("heading", name=figures).is_visible()
    values = page.locator("[data-testid=stMetricValue]").all_inner_texts()
    assert len(values) == 8, values
    assert not [v for v in values if "…" in v or not v.strip()], values
    assert ui.cut_off(page) == []
    titles = page.locator("figure.bo-chart figcaption").all_inner_texts()
    widths = page.evaluate("() => [...document.querySelectorAll('figure.bo-chart svg')].map(s => s.getBoundingClientRect().width)")
    assert len(widths) == 5 and min(widths) > 400, widths   # two charts side by side, each drawn at full size
    assert len(titles) == 5, titles
    if language == "nb":
        assert any(value.endswith("mill. kr") for value in values), values
        assert "Kommuner som bruker tjenestene" in titles
    else:
        assert any(value.startswith("NOK ") for value in values), values
        assert "Municipalities using the services" in titles
        # the labels swapped into bokmål before the switch are English again (data/pages/streamlit_texts.py)
        labels = page.evaluate("() => [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))")
        assert "Fullscreen" in labels and not {"Fullskjerm", "Søk", "Last ned som CSV"} & set(labels), labels
    assert ui.problems_on_page(page) == []
    assert visit.console_errors == []
    assert visit.outside_requests == []
    page.close()
