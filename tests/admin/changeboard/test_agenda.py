"""The weekly agenda on a known data set, the minutes, exports, who-to-tell lists and the CLI."""
import io
from collections import namedtuple
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin.changeboard import agenda as agenda_mod
from admin.changeboard import changes as cb
from admin.changeboard import exports, hooks, notify
from admin.changeboard.models import ChangeDecision, ChangeMeeting
from admin.cli import main
from data.errors import BackofficeError, PermissionDenied
from data.registers.models import Organisation
from data.support import tickets as support
from data.support.freshdesk import import_tickets
from data.support.models import SupportTicket
from tests.conftest import make_actor

PORTFOLIO = make_actor("portfolio", username="pia")
M = date(2027, 3, 1)   # a Monday


def at(offset_days: int, hour: int = 12) -> datetime:
    day_ = M + timedelta(days=offset_days)
    return datetime(day_.year, day_.month, day_.day, hour, tzinfo=cb.OSLO)


def make(session, title, change_type="normal", status_path=(), created=-20, start=None, risk=2, impact=2,
         services=("svarut",), **extra):
    payload = {"title": title, "source": extra.pop("source", "operations"), "change_type": change_type,
               "service_codes": list(services), "rollback_plan": "Rull tilbake", "risk": risk, "impact": impact,
               "planned_start": at(*start) if start else None,
               "planned_end": at(*start) + timedelta(hours=2) if start else None, **extra}
    item = cb.create_item(session, PORTFOLIO, payload)
    for status in status_path:
        cb.transition(session, PORTFOLIO, item.id, status, note="Begrunnet")
    item.created_at = at(created, 9)
    session.flush()
    return item


@pytest.fixture
def board(session):
    """A known week: every section has members, and some items belong nowhere."""
    session.add(ChangeMeeting(meeting_date=M - timedelta(days=7), chair="Pia", held=True))
    tp = cb.save_template(session, PORTFOLIO, {"name": "Patching", "max_risk": 2, "max_impact": 2,
                                               "rollback_plan": "Forrige bilde"})
    items = {
        "A": make(session, "A normal 3x3 sent", status_path=["assessed"], risk=3, impact=3, start=(10, 20)),
        "B": make(session, "B normal 4x4", status_path=["assessed"], risk=4, impact=4, start=(9, 20),
                  services=("minside",)),
        "C": make(session, "C normal 3x3 tidlig", status_path=["assessed"], risk=3, impact=3, start=(3, 20),
                  services=("digisos",)),
        "D": make(session, "D normal 2x4", status_path=["assessed"], risk=2, impact=4),
        "E": make(session, "E normal 4x2", status_path=["assessed"], risk=4, impact=2),
        "F": make(session, "F ny fra brukerstøtte", created=-3, source="support"),
        "G": make(session, "G ny før forrige møte", created=-10),
        "H": make(session, "H standard planlagt", "standard", ["scheduled"], created=-2, start=(2, 6),
                  template_id=tp.id, services=("fiks-io",)),
        "I": make(session, "I planlagt langt frem", status_path=["assessed", "approved", "scheduled"],
                  start=(40, 20)),
        "J": make(session, "J hast gjennomført", "emergency", ["approved", "implemented"], created=-6),
        "K": make(session, "K hast godkjent", "emergency", ["approved"], created=-1, start=(1, 22),
                  services=("fiks-arkiv",)),
        "L": make(session, "L gjennomført normal", status_path=["assessed", "approved", "scheduled", "implemented"],
                  start=(-4, 20), services=("digisos",)),
        "N": make(session, "N lukket", status_path=["assessed", "rejected", "closed"]),
        "O": make(session, "O registrert på møtedagen", created=0),
    }
    items["J"].decided_at = at(-5)
    items["K"].decided_at = at(-1)
    items["L"].implemented_at = at(-4, 22)
    supporter = make_actor("support")
    import_tickets(session, supporter, (
        "Ticket ID,Subject,Status,Priority,Created time,Tags\n"
        "8001,Mulig datalekkasje,Open,Urgent,2027-02-25 09:00:00,svarut\n"
        "8002,Gammel hendelse,Closed,High,2027-01-05 09:00:00,digisos\n"
        "8003,Vanlig spørsmål,Open,Low,2027-02-26 09:00:00,svarut\n").encode())
    tickets = {tk.ticket_number: tk for tk in session.scalars(select(SupportTicket))}
    support.mark_security_incident(session, supporter, tickets[8001].id, {"note": "Meldt av kommunen"})
    support.mark_security_incident(session, supporter, tickets[8002].id, {"note": "Gammel"})
    support.close_security_followup(session, make_actor("security"), tickets[8002].id, {"note": "Fulgt opp"})
    open_topic = agenda_mod.add_topic(session, make_actor("security"), {"title": "Logging etter NSM",
                                                                        "area": "security", "raised_on": M - timedelta(days=2)})
    closed_topic = agenda_mod.add_topic(session, make_actor("architect"), {"title": "Gammelt tema",
                                                                           "area": "architecture",
                                                                           "raised_on": M - timedelta(days=30)})
    closed_topic.closed_on = M - timedelta(days=7)
    session.flush()
    return items, tickets, open_topic


def refs(agenda, section):
    return [e.reference for e in agenda.sections[section]]


def test_agenda_contains_exactly_the_right_items_in_order(session, board):
    items, tickets, topic = board
    agenda = agenda_mod.build_agenda(session, M)
    r = {k: v.reference for k, v in items.items()}
    assert agenda.previous_meeting == M - timedelta(days=7) and agenda.since == M - timedelta(days=7)
    assert refs(agenda, "new") == [r["F"]]
    assert refs(agenda, "decision") == [r["B"], r["C"], r["A"], r["E"], r["D"]]
    assert refs(agenda, "planned") == [r["H"]]
    assert refs(agenda, "emergency") == [r["J"], r["K"]]
    assert refs(agenda, "pir") == [r["L"]]
    assert refs(agenda, "security") == ["#8001"]
    assert refs(agenda, "cross") == [f"T-{topic.id}"]
    listed = {e.item_id for e in agenda.entries() if e.item_id}
    assert not listed & {items[k].id for k in ("G", "I", "N", "O")}


def test_agenda_without_an_earlier_meeting_looks_back_one_week(session, board):
    items, _tickets, _topic = board
    agenda = agenda_mod.build_agenda(session, M - timedelta(days=7))
    assert agenda.previous_meeting is None and agenda.since == M - timedelta(days=14)
    assert refs(agenda, "new") == [items["G"].reference]


def test_agenda_shows_conflicts_next_to_the_items(session, board):
    items, _tickets, _topic = board
    cb.save_freeze(session, PORTFOLIO, {"name": "Påskefrys", "start_date": M + timedelta(days=8),
                                        "end_date": M + timedelta(days=12)})
    agenda = agenda_mod.build_agenda(session, M)
    decision = {e.reference: e for e in agenda.sections["decision"]}
    assert decision[items["A"].reference].conflicts == ["I frysperioden «Påskefrys» (09.03.2027–13.03.2027)"]
    assert decision[items["D"].reference].conflicts == []
    assert agenda.conflict_count == 2     # A and B in the freeze


def test_minutes_record_decisions_and_move_items(session, board):
    items, tickets, topic = board
    session.info["actor"] = PORTFOLIO
    agenda_mod.record_decision(session, PORTFOLIO, M, {"section": "decision", "item_id": items["B"].id,
                                                       "outcome": "approved", "note": "Godkjent med varsel"})
    agenda_mod.record_decision(session, PORTFOLIO, M, {"section": "decision", "item_id": items["D"].id,
                                                       "outcome": "deferred", "note": "Vent på ROS"})
    agenda_mod.record_decision(session, PORTFOLIO, M, {"section": "emergency", "item_id": items["J"].id,
                                                       "outcome": "reviewed", "note": "Riktig å haste"})
    agenda_mod.record_decision(session, PORTFOLIO, M, {"section": "security", "ticket_id": tickets[8001].id,
                                                       "outcome": "action", "note": "Varsle Datatilsynet",
                                                       "action_owner": "Siri", "due_date": M + timedelta(days=3)})
    agenda_mod.record_decision(session, PORTFOLIO, M, {"section": "cross", "topic_id": topic.id,
                                                       "outcome": "reviewed", "note": "Tatt inn i planen"})
    assert (items["B"].status, items["D"].status, items["J"].status) == ("approved", "deferred", "reviewed")
    assert items["B"].decision_note == "Godkjent med varsel"
    record = agenda_mod.minutes(session, M)
    assert [(d["reference"], d["outcome"]) for d in record["decisions"]] == [
        (items["B"].reference, "approved"), (items["D"].reference, "deferred"), (items["J"].reference, "reviewed"),
        ("#8001", "action"), (f"T-{topic.id}", "reviewed")]
    assert record["meeting"]["held"] is True
    agenda = agenda_mod.build_agenda(session, M)
    assert items["B"].reference in refs(agenda, "planned")
    assert items["B"].reference not in refs(agenda, "decision")
    assert refs(agenda, "emergency") == [items["K"].reference]
    assert refs(agenda, "cross") == [f"T-{topic.id}"]        # closed on the meeting day: still on this agenda
    assert refs(agenda_mod.build_agenda(session, M + timedelta(days=7)), "cross") == []
    markdown = exports.minutes_markdown(record)
    assert "| #8001 | Mulig datalekkasje | Oppfølgingspunkt | Varsle Datatilsynet | Siri | 04.03.2027 |" in markdown


def test_minutes_refuse_what_the_path_does_not_allow(session, board):
    items, tickets, _topic = board
    with pytest.raises(BackofficeError) as caught:
        agenda_mod.record_decision(session, PORTFOLIO, M, {"section": "emergency", "item_id": items["K"].id,
                                                           "outcome": "reviewed", "note": "For tidlig"})
    assert "kan ikke gå fra «Godkjent» til «Evaluert»" in caught.value.message
    with pytest.raises(BackofficeError):
        agenda_mod.record_decision(session, PORTFOLIO, M, {"section": "decision", "item_id": items["A"].id,
                                                           "outcome": "rejected", "note": ""})
    with pytest.raises(BackofficeError):
        agenda_mod.record_decision(session, PORTFOLIO, M, {"section": "security", "ticket_id": tickets[8001].id,
                                                           "outcome": "approved"})
    with pytest.raises(PermissionDenied):
        agenda_mod.record_decision(session, make_actor("support"), M, {"section": "decision",
                                                                       "item_id": items["A"].id,
                                                                       "outcome": "approved"})
    assert session.scalar(select(ChangeDecision.id)) is None


def test_agenda_exports(session, board):
    items, _tickets, _topic = board
    items["C"].title = "=HYPERLINK(\"http://x\")|pipe"
    session.flush()
    agenda = agenda_mod.build_agenda(session, M)
    markdown = exports.agenda_markdown(agenda)
    assert markdown.startswith("# Agenda for endringsrådet 01.03.2027\n")
    headings = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert headings == ["## 1. Nye saker siden forrige møte", "## 2. Normale endringer til beslutning",
                        "## 3. Planlagte endringer de neste ukene", "## 4. Hasteendringer til gjennomgang",
                        "## 5. Evaluering etter gjennomføring", "## 6. Åpne sikkerhetshendelser (fast punkt)",
                        "## 7. Tverrgående saker (sikkerhet, arkitektur)", "## Konflikter"]
    assert "\\|pipe" in markdown
    assert markdown.index(items["B"].reference + " |") < markdown.index(items["C"].reference + " |")
    workbook = load_workbook(io.BytesIO(exports.agenda_workbook(agenda)))
    sheet = workbook["Agenda"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == [e.reference for e in agenda.entries()]
    titles = {row[1]: row[2] for row in rows}
    assert titles[items["C"].reference].startswith("'=HYPERLINK")      # never a live formula
    assert sheet.freeze_panes == "A2"


def test_who_to_tell_uses_active_appendices_when_there(session, board, monkeypatch):
    items, _tickets, _topic = board
    bergen, oslo = (session.scalar(select(Organisation).where(Organisation.municipality_number == n))
                    for n in ("4601", "0301"))
    bergen.contact_email, oslo.contact_email = "post@bergen.example", None
    session.flush()
    contact = namedtuple("OrganisationContact", "organisation_id name contact_email")   # as agreements returns
    monkeypatch.setattr(hooks, "organisations_with_active_appendix", lambda s, code, on_date: [
        contact(bergen.id, bergen.name, None), contact(oslo.id, oslo.name, None)])
    change = make(session, "Nedetid SvarUt", start=(5, 20), outage=True, user_impact=True)
    notice = notify.who_to_tell(session, change.id)
    assert notice.from_appendices and notice.needed
    assert [(r.organisation, r.email, r.services) for r in notice.recipients] == [
        ("Bergen", "post@bergen.example", ["SvarUt"])]
    assert notice.without_email == ["Oslo"]
    csv_text = exports.recipients_csv(notice).decode("utf-8-sig")
    assert csv_text.splitlines()[1] == f"Bergen;{bergen.org_number or ''};post@bergen.example;SvarUt"
    text = notify.message_text(notice)
    assert "Planlagt nedetid i SvarUt 06.03.2027 20:00–22:00" in text
    assert "Planned downtime in SvarUt, 6 Mar 2027 20:00–22:00" in text
    assert f"oppgi {change.reference}" in text and f"quote {change.reference}" in text


def test_who_to_tell_nobody_when_a_change_has_no_consequence(session, board):
    quiet = make(session, "Uten konsekvens", start=(5, 20))
    notice = notify.who_to_tell(session, quiet.id)
    assert not notice.needed and notice.recipients == []


def test_cli_writes_the_agenda_and_imports_tickets(session, board, tmp_path, capsys):
    session.commit()
    out = tmp_path / "agenda.md"
    assert main(["changeboard", "agenda", "--date", M.isoformat(), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "# Agenda for endringsrådet 01.03.2027" in text and "#8001" in text
    xlsx = tmp_path / "agenda.xlsx"
    assert main(["changeboard", "agenda", "--date", M.isoformat(), "-o", str(xlsx)]) == 0
    assert load_workbook(xlsx).sheetnames == ["Agenda", "Konflikter"]
    assert main(["changeboard", "agenda", "--date", "01.03.2027"]) == 1
    assert "ÅÅÅÅ-MM-DD" in capsys.readouterr().err
    export = tmp_path / "tickets.csv"
    export.write_text("Ticket ID,Subject,Status,Priority,Created time,Tags\n"
                      "9001,Fra CLI,Open,Low,2027-02-25 09:00:00,svarut\n", encoding="utf-8")
    assert main(["support", "import", str(export)]) == 0
    assert "1 nye" in capsys.readouterr().out
    export.write_text("Ticket ID,Subject,Status,Priority,Created time\n9002,,Open,Low,2027-02-25\n", encoding="utf-8")
    assert main(["support", "import", str(export)]) == 1
    assert "Rad 2, felt «Emne»: må fylles ut" in capsys.readouterr().err
    schedule = tmp_path / "kalender.xlsx"
    assert main(["changeboard", "schedule", "--start", M.isoformat(), "--weeks", "8", "-o", str(schedule)]) == 0
    sheet = load_workbook(schedule)["Endringer"]
    assert sheet.max_row >= 5
    ics = tmp_path / "kalender.ics"
    assert main(["changeboard", "schedule", "--start", M.isoformat(), "--weeks", "8", "-o", str(ics)]) == 0
    calendar = ics.read_bytes().decode("utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR\r\n") and calendar.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:EB-" in calendar and "DTSTART:20270303T0500" in calendar   # H: 06:00 Oslo = 05:00 UTC
    assert all(len(line.encode("utf-8")) <= 75 for line in calendar.split("\r\n"))


def test_cli_exports_the_changes_as_the_items_page_does(session, board, tmp_path, capsys):
    items, _tickets, _topic = board
    items["D"].project_ref = "Digifin 2027"
    session.commit()
    out = tmp_path / "endringer.xlsx"
    assert main(["changeboard", "items", "--status", "assessed", "--service", "svarut", "-o", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    sheet = load_workbook(out)["Endringer"]
    assert [c.value for c in sheet[1]] == ["Ref.", "Tittel", "Type", "Status", "Kilde", "Tjenester", "Planlagt",
                                           "Risiko × konsekvens", "Nedetid", "Prosjekt"]
    assert sheet.freeze_panes == "A2"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == [items[k].reference for k in ("E", "D", "A")]   # assessed, on SvarUt, newest first
    assert rows[items["A"].reference] == (items["A"].reference, "A normal 3x3 sent", "Normal endring", "Vurdert",
                                          "Drift", "svarut", "11.03.2027 20:00–22:00", 9, "Nei", None)
    assert rows[items["D"].reference][-1] == "Digifin 2027"
    with pytest.raises(SystemExit):   # argparse names the statuses there are
        main(["changeboard", "items", "--status", "unknown", "-o", str(out)])


def test_kpis_and_facts(session, board, system):
    kpis = {k.label: k.value for k in agenda_mod.changeboard_kpis(session, system)}
    assert kpis["Endringer til beslutning"] == "5"
    assert list(kpis)[-1] == "Neste møte i endringsrådet"
    assert [f.label for f in agenda_mod.changeboard_facts(session, "svarut")][0] == "Planlagte endringer neste 90 dager"


def test_who_to_tell_with_the_real_agreements_module(session, board):
    change = make(session, "Nedetid SvarUt", start=(5, 20), outage=True)
    notice = notify.who_to_tell(session, change.id)
    assert notice.from_appendices and notice.recipients == []   # no appendices in the test database
