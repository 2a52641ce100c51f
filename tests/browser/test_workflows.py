"""The named users' workflows end to end in Chromium, each in its own tab(s), as the users would click them:

1. the security officer adds a risk to a draft ROS and asks for its acceptance; the leader finds the request in
   the approvals queue on the overview, follows its link and grants it; the security officer then sees it accepted;
2. finance previews the next unbilled period and sends the run for approval; the leader approves it from the
   queue; finance downloads the invoice basis as Excel (a lines sheet, a per-organisation sheet, the run's sheet);
3. the product owner prepares a council meeting (date, title, agenda with the waiting change requests) and
   downloads the service sheet (Markdown and Excel), which names the service and the meeting just planned.

After every step: no exception and no error box on the page; at the end: no console error. What was written is
checked in the app's database as well. Titles carry a token of their own: the tests share one app server and do
not depend on each other or on their order.
"""
from __future__ import annotations

import io
import re
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from pricing.invoicing.models import InvoiceRun
from risk.models import Risk, RiskAcceptance
from tests.browser import ui

pytestmark = pytest.mark.xdist_group("browser")  # one worker serves the app; see conftest.py

SLOW = 60_000          # ms: a preview of a whole quarter, or a page on a busy machine


@pytest.fixture
def app_db(app_url, tmp_path_factory):
    """Reads from the database the app server runs on (the copy `app_url` made in its temporary folder), read-only,
    each read in a session of its own so that it sees what the app has written by then."""
    found = sorted(tmp_path_factory.getbasetemp().glob("browser*/app.sqlite"), key=lambda p: p.stat().st_mtime)
    assert found, "the app server's database copy was not found"
    engine = create_engine(f"sqlite:///file:{found[-1]}?mode=ro&uri=true")

    def read(statement) -> list:
        with Session(engine) as session:
            return list(session.scalars(statement))

    yield read
    engine.dispose()


@pytest.fixture
def timed(request):
    started = time.monotonic()
    yield
    print(f"\n{request.node.name}: {time.monotonic() - started:.1f} s")


def token() -> str:
    return uuid.uuid4().hex[:6]


def clean(page: Page) -> None:
    """Streamlit has finished, and the page shows no exception or error box."""
    ui.idle(page)
    assert ui.problems_on_page(page) == []


def click(page: Page, target: Locator) -> None:
    target.click()
    clean(page)


def choose(page: Page, box: Locator, option: str | re.Pattern) -> None:
    """Pick `option` in a selectbox (the list opens on the arrow key where a click only focuses it)."""
    box.click()
    if box.get_attribute("aria-expanded") != "true":
        box.press("ArrowDown")
    page.get_by_role("option", name=option).first.click()
    clean(page)


def tick(page: Page, box: Locator) -> None:
    """Tick a checkbox by its label (Streamlit hides the input itself under the label)."""
    box.locator("xpath=ancestor::label").click()
    expect(box).to_be_checked()
    clean(page)


def type_date(page: Page, scope: Locator, label: str, value: date) -> None:
    """Type a date into a date field (its day, month and year segments) in the page's dd.mm.yyyy order."""
    scope.get_by_role("group", name=label, exact=True).get_by_role("spinbutton").first.click()
    page.keyboard.type(value.strftime("%d%m%Y"))
    expect(scope.get_by_role("group", name=label, exact=True)).to_contain_text(value.strftime("%Y"))


def tab(page: Page, name: str) -> Locator:
    click(page, page.get_by_role("tab", name=name, exact=True))
    return page.get_by_role("tabpanel", name=name, exact=True)


def table_row(scope: Locator, text: str) -> Locator:
    """The row of a dataframe that shows `text` (the grid keeps its rows in the page, drawn on a canvas)."""
    return scope.locator("[data-testid=stDataFrame] tr", has_text=text)


def kroner(text: str) -> Decimal:
    """ "10 437 151,04 kr" -> Decimal("10437151.04")."""
    digits = re.search(r"-?[\d\s\u00a0\u202f]+,\d{2}", text).group(0)
    return Decimal(re.sub(r"[\s\u00a0\u202f]", "", digits).replace(",", "."))


def next_quarter(period: str) -> str:
    year, quarter = int(period[:4]), int(period[-1])
    return f"{year + 1}-Q1" if quarter == 4 else f"{year}-Q{quarter + 1}"


# --- 1. the security officer asks for a risk acceptance; the leader grants it from the queue ------------------

def test_security_officer_asks_and_leader_grants_a_risk_acceptance(browser, app_url, app_db, timed):
    title = f"Leverandørens nøkkel lekker {token()}"
    reason = "Tiltaket koster mer enn risikoen; leverandøren har egen beredskap."
    today = date.today()
    proposed, granted = today + timedelta(days=365), today + timedelta(days=180)

    officer = ui.open_tab(browser, app_url, "sikkerhet")
    page = officer.page
    ui.go(page, "ROS-analyser")
    clean(page)
    choose(page, page.get_by_role("combobox", name="Velg analyse", exact=True), re.compile(r"ROS MinSide.*Utkast"))

    risks = tab(page, "Risikoer")
    risks.get_by_role("textbox", name="Tittel", exact=True).fill(title)
    risks.get_by_role("textbox", name="Eier", exact=True).fill("Siri Sikkerhet")
    risks.get_by_role("textbox", name="Trussel eller årsak").fill("Nøkkelen til integrasjonen ligger hos leverandøren.")
    choose(page, risks.get_by_role("combobox", name="Iboende: Sannsynlighet"), re.compile(r"^4 "))
    choose(page, risks.get_by_role("combobox", name="Konfidensialitet", exact=True).first, re.compile(r"^4 "))
    click(page, risks.get_by_role("button", name="Lagre", exact=True))
    expect(table_row(risks, title)).to_have_count(1, timeout=SLOW)
    expect(risks.get_by_role("textbox", name="Tittel", exact=True)).to_have_value("")    # the form starts empty again
    clean(page)

    acceptance = tab(page, "Aksept")
    choose(page, acceptance.get_by_role("combobox", name="Risiko", exact=True), re.compile(re.escape(title)))
    type_date(page, acceptance, "Foreslått utløpsdato", proposed)
    acceptance.get_by_role("textbox", name="Hvorfor bør risikoen aksepteres?").fill(reason)
    click(page, acceptance.get_by_role("button", name="Send forespørsel"))
    expect(table_row(acceptance, title)).to_contain_text("Venter på avdelingsleder", timeout=SLOW)
    clean(page)

    # the leader: the request waits in the queue on the overview; its link opens the request on the ROS page
    leader = ui.open_tab(browser, app_url, "leder")
    lead = leader.page
    link = lead.get_by_role("link", name=re.compile(re.escape(title) + ".*ROS-analyser"))
    expect(link).to_be_visible(timeout=SLOW)
    click(lead, link)
    expect(lead).to_have_url(re.compile(r"/ros\?ros=\d+&acceptance=\d+"))
    decide = tab(lead, "Aksept")
    expect(decide.get_by_role("combobox", name="Forespørsel", exact=True)).to_have_value(re.compile(re.escape(title)))
    choose(lead, decide.get_by_role("combobox", name="Beslutning", exact=True), re.compile(r"^Akseptert$"))
    type_date(lead, decide, "Utløper", granted)
    decide.get_by_role("textbox", name="Begrunnelse for beslutningen").fill("Akseptert til leverandøren har byttet nøkkel.")
    click(lead, decide.get_by_role("button", name="Lagre beslutningen"))
    expect(table_row(decide, title)).to_contain_text("Akseptert", timeout=SLOW)
    expect(table_row(decide, title)).to_contain_text("Lise Leder")
    clean(lead)
    ui.go(lead, "Oversikt")          # decided: gone from the queue
    expect(lead.get_by_role("link", name=re.compile(re.escape(title)))).to_have_count(0, timeout=SLOW)
    clean(lead)

    # the security officer's view shows it accepted, by whom and until when
    ui.go(page, "Risikobildet")        # away and back: the ROS page drawn anew, as the officer would see it later
    ui.go(page, "ROS-analyser")
    choose(page, page.get_by_role("combobox", name="Velg analyse", exact=True), re.compile(r"ROS MinSide.*Utkast"))
    risks = tab(page, "Risikoer")
    click(page, risks.get_by_text("Beskrivelse av hver risiko"))
    expect(risks.get_by_text(f"Akseptert av Lise Leder {today:%d.%m.%Y}, gyldig til {granted:%d.%m.%Y}.")
           ).to_be_visible(timeout=SLOW)
    acceptance = tab(page, "Aksept")
    expect(table_row(acceptance, title)).to_contain_text("Akseptert")

    [decided] = app_db(select(RiskAcceptance).join(Risk, Risk.id == RiskAcceptance.risk_id).where(Risk.title == title))
    assert (decided.decision, decided.requested_by, decided.decided_by, decided.approver) == (
        "accepted", "sikkerhet", "leder", "Lise Leder")
    assert (decided.request_note, decided.decided_on, decided.expires_on) == (reason, today, granted)

    for visit in (officer, leader):
        assert visit.console_errors == []
        visit.page.close()


# --- 2. finance prepares the next run, the leader approves it, finance downloads the invoice basis -----------

def test_finance_prepares_leader_approves_and_finance_downloads_an_invoice_run(browser, app_url, app_db, timed):
    billed = app_db(select(InvoiceRun.period).where(InvoiceRun.kind == "regular"))
    period = next_quarter(max(billed))                     # the next period not billed
    said = f"{period[-1]}. kvartal {period[:4]}"          # how the leader's queue and the run lists say it
    reason = f"Kvartalsfakturering {period} ({token()})"

    finance = ui.open_tab(browser, app_url, "okonomi")
    page = finance.page
    ui.go(page, "Fakturagrunnlag")
    clean(page)
    new_run = page.get_by_role("tabpanel", name="Ny kjøring", exact=True)
    new_run.get_by_role("textbox", name="Periode").fill(period)
    new_run.get_by_role("textbox", name="Periode").press("Enter")
    clean(page)
    click(page, new_run.get_by_role("button", name="Forhåndsvis"))
    sure = new_run.get_by_role("checkbox", name=re.compile(f"Send kjøringen for {period}"))
    expect(sure).to_be_visible(timeout=SLOW)
    expect(new_run.get_by_role("heading", name=re.compile(period))).to_be_visible()
    total = kroner(sure.get_attribute("aria-label"))
    assert total > 0
    new_run.get_by_role("textbox", name="Begrunnelse", exact=True).fill(reason)
    new_run.get_by_role("textbox", name="Begrunnelse", exact=True).press("Enter")
    clean(page)
    tick(page, sure)
    click(page, new_run.get_by_role("button", name="Send til godkjenning"))
    expect(new_run.get_by_text(re.compile(f"Kjøringen for {period} er forberedt"))).to_be_visible(timeout=SLOW)
    clean(page)

    # the leader approves it from the queue's link (the prepared run chosen already)
    leader = ui.open_tab(browser, app_url, "leder")
    lead = leader.page
    link = lead.get_by_role("link", name=re.compile(f"Fakturering {said}.*Fakturagrunnlag"))
    expect(link).to_be_visible(timeout=SLOW)
    click(lead, link)
    expect(lead).to_have_url(re.compile(r"/fakturagrunnlag\?request=\d+"))
    waiting = tab(lead, "Venter på godkjenning")
    expect(waiting.get_by_role("combobox", name="Velg forberedt kjøring")).to_have_value(
        re.compile(f"Fakturering {said} \\(Øystein Økonomi\\)"))
    checked = waiting.get_by_role("checkbox", name=re.compile(f"Jeg har kontrollert grunnlaget for {said}"))
    assert kroner(checked.get_attribute("aria-label")) == total
    tick(lead, checked)
    click(lead, waiting.get_by_role("button", name="Godkjenn kjøringen"))
    approved = waiting.get_by_text(re.compile(f"Fakturakjøring \\d+ for {said} er godkjent"))
    expect(approved).to_be_visible(timeout=SLOW)
    number = int(re.search(r"Fakturakjøring (\d+)", approved.inner_text()).group(1))
    clean(lead)

    # finance downloads the invoice basis of the approved run
    ui.go(page, "Fakturagrunnlag")       # the page again: the runs as they are now
    runs = tab(page, "Godkjente kjøringer")
    choose(page, runs.get_by_role("combobox", name="Velg en kjøring"), re.compile(f"^{number}: {said}"))
    download_button = runs.get_by_role("button", name="Last ned Excel")
    expect(download_button).to_be_visible(timeout=SLOW)
    with page.expect_download() as download:
        click(page, download_button)
    assert download.value.suggested_filename == f"fakturagrunnlag-{number}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook.sheetnames == ["Fakturagrunnlag", "Per virksomhet", "Kjøringen"]
    lines, per_org = workbook["Fakturagrunnlag"], workbook["Per virksomhet"]
    header = [cell.value for cell in lines[1]]
    amount_at = header.index("Beløp")
    line_rows = [row for row in lines.iter_rows(min_row=2, values_only=True) if row[1]]   # not the "Sum" row
    assert sum(Decimal(str(row[amount_at])) for row in line_rows
               if isinstance(row[amount_at], int | float)).quantize(Decimal("0.01")) == total
    assert [cell.value for cell in per_org[1]] == ["Organisasjonsnummer", "Virksomhet", "Beløp"]
    organisations = [row[0] for row in per_org.iter_rows(min_row=2, values_only=True) if row[0] and row[1]]
    assert len(organisations) == len(set(organisations)) > 0             # one row per organisation
    assert set(organisations) == {row[0] for row in line_rows}
    run_sheet = dict(row[:2] for row in workbook["Kjøringen"].iter_rows(values_only=True))
    assert (run_sheet["Kjøring"], run_sheet["Periode"]) == (number, period)
    assert (run_sheet["Utarbeidet av"], run_sheet["Godkjent av"], run_sheet["Begrunnelse"]) == (
        "Øystein Økonomi", "Lise Leder", reason)
    assert Decimal(str(run_sheet["Beløp"])) == total
    clean(page)

    [run] = app_db(select(InvoiceRun).where(InvoiceRun.number == number))
    assert (run.period, run.prepared_by, run.approved_by, Decimal(run.total_ore) / 100) == (
        period, "okonomi", "leder", total)

    for visit in (finance, leader):
        assert visit.console_errors == []
        visit.page.close()


# --- 3. the product owner prepares a council meeting and downloads the service sheet ----------------------------

def test_product_owner_prepares_a_council_meeting_and_downloads_the_service_sheet(browser, app_url, timed):
    title = f"Brukerrådsmøte Digisos {token()}"
    when = date.today() + timedelta(days=1)          # the next meeting the service sheet names
    own_item = "Eget punkt: gjennomgang av veikartet"

    owner = ui.open_tab(browser, app_url, "produkt")
    page = owner.page
    ui.go(page, "Brukermøte og brukerråd")
    clean(page)
    choose(page, page.get_by_role("combobox", name="Tjeneste", exact=True), re.compile(r"^Digisos$"))
    meetings = tab(page, "Møter")
    expect(meetings.get_by_role("combobox", name="Velg møte", exact=True)).to_have_value("Nytt møte")
    agenda = meetings.get_by_role("textbox", name="Saksliste")
    click(page, meetings.get_by_role("button", name="Legg forslaget til i sakslisten"))
    expect(agenda).to_have_value(re.compile(r"Endringsønsker til behandling"))
    type_date(page, meetings, "Møtedato", when)
    meetings.get_by_role("textbox", name="Sted").fill("Teams")
    meetings.get_by_role("textbox", name="Tittel", exact=True).fill(title)
    agenda.fill(agenda.input_value() + f"\n{own_item}")
    click(page, meetings.get_by_role("button", name="Lagre", exact=True))
    planned = meetings.get_by_text(f"{when:%d.%m.%Y} – {title}")
    expect(planned).to_have_count(1, timeout=SLOW)
    expect(meetings.get_by_role("textbox", name="Tittel", exact=True)).to_have_value("")  # the form starts empty again
    click(page, planned)
    expect(meetings.get_by_text(own_item)).to_be_visible()
    expect(meetings.get_by_text("Endringsønsker til behandling", exact=False).first).to_be_visible()

    ui.go(page, "Tjenesteark")
    clean(page)
    choose(page, page.get_by_role("combobox", name="Tjeneste", exact=True), re.compile(r"^Digisos$"))
    expect(page.get_by_role("heading", name="Digisos", exact=True)).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("row", name=re.compile(f"Neste møte i brukerrådet.*{when:%d\\.%m\\.%Y}"))).to_be_visible()

    with page.expect_download() as download:
        click(page, page.get_by_role("button", name="Last ned som Markdown"))
    assert download.value.suggested_filename == "tjenesteark-digisos.md"
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert markdown.startswith("# Digisos\n")
    assert f"| Neste møte i brukerrådet | {when:%d.%m.%Y} |" in markdown

    with page.expect_download() as download:
        click(page, page.get_by_role("button", name="Last ned Excel"))
    assert download.value.suggested_filename == "tjenesteark-digisos.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook.sheetnames == ["Digisos"]
    facts = {row[1]: row[2] for row in workbook["Digisos"].iter_rows(min_row=2, values_only=True)}
    assert facts["Neste møte i brukerrådet"] == f"{when:%d.%m.%Y}"
    clean(page)

    assert owner.console_errors == []
    page.close()
