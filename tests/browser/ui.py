"""What a user does in the browser: sign in, open a page from the menu, wait until the app is idle,
and what the page showed (errors, exceptions, console errors, requests leaving the machine, axe findings)."""
from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Page

from data.pages import streamlit_texts
from tests.browser.conftest import PASSWORD

NAV_LINKS = "[data-testid=stSidebar] [data-testid=stPageLink-NavLink]"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Visit:
    """One browser tab of one user, recording what goes wrong while it is used."""
    page: Page
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("request", lambda r: None if r.url.startswith((self.base_url, "data:", "blob:"))
                     else self.outside_requests.append(r.url))


def idle(page: Page, timeout: float = 30_000) -> None:
    """Until Streamlit has finished running the script: the app says it is not running
    (`data-test-script-state`), its status widget is gone and no element of the previous run is still shown
    faded (`data-stale`), twice in a row 150 ms apart (a rerun starts a moment after a click, and a save
    that calls st.rerun() runs the script twice)."""
    quiet = ("() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
             " && !document.querySelector('[data-testid=stStatusWidget]')"
             " && !document.querySelector('[data-stale=true]')")
    for _ in range(2):
        page.wait_for_timeout(150)
        page.wait_for_function(quiet, timeout=timeout)


def open_tab(browser, base_url: str, user: str, language: str = "nb") -> Visit:
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="nb-NO")
    visit = Visit(page, base_url)
    page.goto(base_url)
    page.wait_for_selector("input[type=password]")
    page.locator("input[type=text]").first.fill(user)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_selector(NAV_LINKS)
    idle(page)
    if language == "en":
        page.get_by_text("English", exact=True).click()
        idle(page)
    return visit


def menu(page: Page) -> list[str]:
    """The page titles in the menu, in order (the icon's ligature text left out)."""
    return [text.strip() for text in page.locator(f"{NAV_LINKS} [data-testid=stMarkdownContainer]").all_inner_texts()]


def go(page: Page, title: str) -> None:
    page.locator(NAV_LINKS).filter(has=page.get_by_text(title, exact=True)).first.click()
    idle(page)


# Streamlit cuts a metric's value or label with CSS (`text-overflow: ellipsis`), so the text itself stays whole:
# what the user sees cut is an element whose content is wider than its box.
_CUT_OFF = """() => Array.from(document.querySelectorAll(
    '[data-testid=stMetricValue], [data-testid=stMetricValue] *, [data-testid=stMetricLabel] *, '
    + '[data-testid=stMetricDelta] *'))
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => e.innerText)"""


def cut_off(page: Page) -> list[str]:
    """The figure cards' labels and values the user sees cut off (data/pages/common.py WRAP_METRICS)."""
    return page.evaluate(_CUT_OFF)


def problems_on_page(page: Page) -> list[str]:
    """Exceptions and error boxes the page shows."""
    found = [f"exception: {text[:200]}" for text in page.locator("[data-testid=stException]").all_inner_texts()]
    found += [f"error box: {text[:200]}" for text in page.locator("[data-testid=stAlertContentError]").all_inner_texts()]
    return found


def axe_violations(page: Page, axe_source: str, impacts=("serious", "critical")) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    # WCAG 2.1 A/AA, plus heading order (axe files it under best practice; the issue asks for it).
    found = page.evaluate("""async (tags) => {
        // as runOnly by tag would: experimental rules stay off
        const rules = axe.getRules(tags).filter(rule => !rule.tags.includes('experimental'))
            .map(rule => rule.ruleId).concat(['heading-order']);
        const result = await axe.run(document, {runOnly: {type: 'rule', values: rules}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 120))}));
    }""", AXE_TAGS)
    return [v for v in found if v["impact"] in impacts or v["id"] == "heading-order"]


STREAMLIT_ENGLISH = sorted({*streamlit_texts.TEXTS, *streamlit_texts.LABELS, *streamlit_texts.PLOTLY,
                            "Press Enter to submit form", "Choose an option"}, key=len, reverse=True)


def english_or_codes(page: Page) -> list[str]:
    """Streamlit's own English and internal codes shown anywhere on the page, menu included (texts, tooltips and
    labels read aloud), outside tables (AppTest checks their display texts: tests/leaks.py) and icon ligatures."""
    found = page.evaluate("""(english) => {
        const root = document.body;
        // tables: AppTest checks their display texts; hidden icons (aria-hidden) are ligatures nobody reads
        const skip = '[data-testid=stDataFrame],[aria-hidden=true],[data-testid=stIconMaterial],[data-testid=stCode],script,style';
        const texts = [];
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.parentElement && !node.parentElement.closest(skip)) texts.push(node.nodeValue.trim());
        }
        for (const element of root.querySelectorAll('[aria-label],[title],[placeholder]')) {
            if (element.closest('[data-testid=stDataFrame]')) continue;
            for (const name of ['aria-label', 'title', 'placeholder']) {
                const value = element.getAttribute(name);
                if (value) texts.push(value.trim());
            }
        }
        const found = [];
        const code = /(?<![\\w./:@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\\w./@-])/;
        for (const text of texts) {
            if (!text) continue;
            if (english.includes(text) || /^(Help for|Remove) | per file| icon$/.test(text)) found.push('English: ' + text);
            else if (code.test(text)) found.push('code: ' + text.slice(0, 80));
            else if (/^(None|nan|NaN|NaT|null|undefined)$/.test(text)) found.push('empty value: ' + text);
        }
        return [...new Set(found)];
    }""", STREAMLIT_ENGLISH)
    return found
