"""Browser tests: the app served by Streamlit on loopback, driven by Playwright in Debian's Chromium, checked
by axe-core.

Skipped, with the reason in the summary, where the machine lacks Chromium, Playwright or axe-core
(`make test` installs them when it can: see the Makefile's `browser-deps`). All browser tests run in one
xdist group, so one worker serves the app once while the other workers run the rest of the suite.
The app runs on a copy of this worker's demo database (built by tests/conftest.py), so nothing a browser
test writes reaches another test.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "demo-passord"
DEMO_USERS = ("admin", "leder", "okonomi", "sikkerhet", "produkt", "portefolje", "support", "arkitekt")
AXE_VERSION = "4.14.1"  # the Makefile installs this version (browser-deps)
DEFAULT_AXE = (Path.home() / ".cache" / "backoffice-browser" / f"axe-core-{AXE_VERSION}" / "node_modules" / "axe-core"
               / "axe.min.js")


def pytest_configure(config):
    config.addinivalue_line("markers", "xdist_group(name): run in one pytest-xdist worker")


def _chromium() -> str | None:
    return os.environ.get("BACKOFFICE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = Path(os.environ.get("BACKOFFICE_AXE_JS") or DEFAULT_AXE)
    if not path.is_file():
        pytest.skip(f"axe-core not found at {path}: run `make browser-deps` (needs npm) to check accessibility")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed: browser tests skipped")
    executable = _chromium()
    if executable is None:
        pytest.skip("Chromium not found (Debian package `chromium`; `make browser-deps` installs it as root): "
                    "browser tests skipped")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Streamlit stopped at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"Streamlit did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


@contextmanager
def serve(database: Path, folder: Path):
    """The app (`streamlit run app.py`) on a free loopback port over the SQLite file `database`, its log in
    `folder`; yields the base URL and stops the server after. Used by the browser tests and
    benchmarks/pages.py."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "BACKOFFICE_"))}
    env["BACKOFFICE_DATABASE_URL"] = f"sqlite:///{database}"
    log = folder / "streamlit.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def app_url(browser, databases, tmp_path_factory):
    """The app on a free loopback port, over a private copy of the demo database."""
    folder = tmp_path_factory.mktemp("browser")
    demo = Path(databases.url("sqlite", "demo").split("///", 1)[1])
    copy = folder / "app.sqlite"
    shutil.copyfile(demo, copy)
    with serve(copy, folder) as url:
        yield url
