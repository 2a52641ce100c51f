"""Each page's load time in a real browser on the demo data: median and p90 over three visits per page, as the
leader and as the administrator (issue 20, item 10; target: p90 under 1 s on an idle 2-core machine).

    .venv/bin/python benchmarks/pages.py                 # builds a demo database in a temporary folder
    .venv/bin/python benchmarks/pages.py --db demo.sqlite  # or times an existing one (it is copied first)
    .venv/bin/python benchmarks/pages.py --users leder --rounds 5

The app is served exactly as the browser tests serve it (tests/browser/conftest.py `serve`) and driven with
their helpers (tests/browser/ui.py) in Debian's Chromium. A visit is timed from the click on the page's menu
link until the page's own title is shown and Streamlit is idle (no faded element of the previous page, no
running-script widget); the landing page after sign-in is timed until `ui.idle`, less its two fixed 150 ms
pauses. Each round visits every page of the menu in order, so every
visit arrives from another page. The first round includes the work the page caches (`st.cache_data`); the
later rounds show what a returning user waits.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import ui  # noqa: E402
from tests.browser.conftest import CHROMIUM_FLAGS, PASSWORD, _chromium, serve  # noqa: E402

FIXED_WAITS = 0.3   # ui.idle's two 150 ms confirmations


def p90(values: list[float]) -> float:
    """The 90th percentile, interpolated between the sorted values (of three: 80 % of the way from the
    middle one to the slowest)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = 0.9 * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def build_demo(folder: Path) -> Path:
    database = folder / "demo.sqlite"
    env = {key: value for key, value in os.environ.items() if not key.startswith("BACKOFFICE_")}
    env["BACKOFFICE_DATABASE_URL"] = f"sqlite:///{database}"
    backoffice = Path(sys.executable).with_name("backoffice")
    for command in (["db", "upgrade", "--no-admin"], ["demo"]):
        subprocess.run([str(backoffice), *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return database


# Done: the page's own title is shown and nothing of the previous page is left (no faded element, no
# running-script widget). Waiting for the title keeps a busy machine from timing the old page as idle.
DRAWN = """(title) => {
    const heading = document.querySelector('[data-testid=stMain] h1');
    return !!heading && heading.innerText.trim() === title && !document.querySelector('[data-stale=true]')
        && !document.querySelector('[data-testid=stStatusWidget]');
}"""


def visit_time(page, title: str) -> float | None:
    """Seconds from the click on the menu link until the page is drawn (None: the page's heading is not its
    menu title, or it took over 30 s)."""
    link = page.locator(ui.NAV_LINKS).filter(has=page.get_by_text(title, exact=True)).first
    started = time.perf_counter()
    link.click()
    try:
        page.wait_for_function(DRAWN, arg=title, timeout=30_000)
        elapsed = time.perf_counter() - started
    except PlaywrightTimeout:   # the page's heading is not its menu title: not timed (listed at the end)
        ui.idle(page)
        return None
    ui.idle(page)   # settle before the next click
    return elapsed


def signed_in(context, url: str, user: str) -> tuple[object, float]:
    """A new tab signed in as `user` (as ui.open_tab does) and the time from pressing "Logg inn" until the
    landing page (the overview) is idle. The tabs of one user share a browser context, as a user's own browser
    does: the first sign-in loads Streamlit's and Plotly's scripts into an empty cache, later ones find them
    cached (a returning user's morning sign-in)."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("input[type=password]")
    ui.idle(page)   # a person types once the page is there (it loads the chart code meanwhile: sign_in.py)
    page.locator("input[type=text]").first.fill(user)
    page.locator("input[type=password]").fill(PASSWORD)
    started = time.perf_counter()
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_selector(ui.NAV_LINKS)
    ui.idle(page)
    return page, max(0.0, time.perf_counter() - started - FIXED_WAITS)


def time_pages(browser, url: str, user: str, rounds: int) -> dict[str, list[float]]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nb-NO")
    page, landing = signed_in(context, url, user)
    titles = ui.menu(page)
    times: dict[str, list[float]] = {title: [] for title in titles}
    times[f"{titles[0]} (after sign-in)"] = [landing]
    for _ in range(rounds - 1):   # more sign-ins, each in a tab of its own
        other, landing = signed_in(context, url, user)
        times[f"{titles[0]} (after sign-in)"].append(landing)
        other.close()
    for _ in range(rounds):
        for title in titles:
            seconds = visit_time(page, title)
            if seconds is not None:
                times[title].append(seconds)
            problems = ui.problems_on_page(page)
            if problems:
                print(f"  ! {user} {title}: {problems[0]}", file=sys.stderr)
    page.close()
    context.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing demo database (SQLite); copied, never changed")
    parser.add_argument("--users", nargs="+", default=["leder", "admin"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    executable = _chromium()
    if executable is None:
        print("Chromium not found (Debian package `chromium`): nothing timed", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="backoffice-pages-") as tmp:
        folder = Path(tmp)
        if args.db:
            database = folder / "app.sqlite"
            with sqlite3.connect(args.db) as source, sqlite3.connect(database) as target:
                source.backup(target)   # with what is still in its write-ahead log
        else:
            print("building the demo database …", file=sys.stderr)
            database = build_demo(folder)
        every: list[float] = []
        with serve(database, folder) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            try:
                for user in args.users:
                    times = time_pages(browser, url, user, args.rounds)
                    print(f"\n{user}: {len(times)} pages, {args.rounds} visits each (seconds)")
                    print(f"{'page':<46} {'median':>7} {'p90':>7} {'first':>7}")
                    untimed = [title for title, values in times.items() if not values]
                    for title, values in sorted(((k, v) for k, v in times.items() if v), key=lambda item: -p90(item[1])):
                        print(f"{title[:46]:<46} {statistics.median(values):7.2f} {p90(values):7.2f} "
                              f"{values[0]:7.2f}")
                        every += values
                    if untimed:
                        print(f"not timed (heading is not the menu title, or over 30 s): {', '.join(untimed)}")
            finally:
                browser.close()
        print(f"\nall visits: {len(every)}, median {statistics.median(every):.2f} s, p90 {p90(every):.2f} s, "
              f"slowest {max(every):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
