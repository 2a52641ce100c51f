"""Every page a user's menu offers, opened in Chromium: no exception, no error box, no console error, no
request leaving the machine, no Streamlit English or internal code shown, and no serious or critical axe-core
(WCAG 2.1 A/AA) violation.

`make test` visits every page once: all of the leader's, then those only the administrator has.
`make test-browser` sets BACKOFFICE_BROWSER_USERS=all to visit every page as every demo user."""
from __future__ import annotations

import os
import time

import pytest

from admin import modules
from data.access import Actor
from data.i18n import t
from tests.browser import ui
from tests.browser.conftest import DEMO_USERS

pytestmark = pytest.mark.xdist_group("browser")  # one worker serves the app; see conftest.py

EVERY_USER = os.environ.get("BACKOFFICE_BROWSER_USERS") == "all"
USERS = DEMO_USERS if EVERY_USER else ("leder", "admin")
ROLE_OF = {"admin": "admin", "leder": "leader"}


def _titles_for(role: str) -> set[str]:
    actor = Actor(username=role, roles=frozenset({role}))
    return {t(spec.title_key) for spec in modules.pages() if spec.visible_to(actor)}


@pytest.mark.parametrize("user", USERS)
def test_every_page_opens_clean_and_accessible(browser, app_url, axe_source, user):
    visit = ui.open_tab(browser, app_url, user)
    page = visit.page
    assert page.evaluate("document.documentElement.lang") == "nb"
    titles = ui.menu(page)
    assert len(titles) >= 5, titles
    if not EVERY_USER and user == "admin":  # the leader's test has seen the others
        titles = [title for title in titles if title not in _titles_for("leader")]
    failures, timings = [], []
    for title in titles:
        started = time.monotonic()
        ui.go(page, title)
        timings.append(time.monotonic() - started)
        failures += [f"{title}: {problem}" for problem in ui.problems_on_page(page)]
        failures += [f"{title}: {leak}" for leak in ui.english_or_codes(page)]
        failures += [f"{title}: cut off: {text!r}" for text in ui.cut_off(page)]
        failures += [f"{title}: axe {v['impact']} {v['id']} ({v['help']}): {v['nodes']}"
                     for v in ui.axe_violations(page, axe_source)]
    failures += [f"console error: {text}" for text in visit.console_errors]
    failures += [f"request left the machine: {url}" for url in sorted(set(visit.outside_requests))]
    page.close()
    if timings:
        print(f"\n{user}: {len(titles)} pages, median {sorted(timings)[len(timings) // 2]:.2f} s, "
              f"slowest {max(timings):.2f} s")
    assert failures == [], "\n".join(failures)
