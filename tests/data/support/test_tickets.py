"""Support tickets: Freshdesk import with upserts and bad rows, links, security incidents, aggregates."""
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.registers.models import Organisation, Service
from data.support import statistics
from data.support import tickets as support
from data.support.freshdesk import import_tickets
from data.support.models import SupportTicket
from tests.conftest import make_actor

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

HEADER = ("Ticket ID,Subject,Status,Priority,Source,Type,Group,Agent,Created time,Resolved time,Closed time,"
          "Last update time,Company,Tags\n")


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8")


GOOD = csv(
    "101,Brev ikke levert,Open,High,Email,Incident,Brukerstøtte,Kari,2026-03-02 09:15:00,,,2026-03-02 10:00:00,"
    "Bergen,svarut",
    "102,Søknad henger,Resolved,Medium,Portal,Question,Digisos-teamet,Ola,2026-03-05 08:00:00,"
    "2026-03-05 20:00:00,,2026-03-05 20:00:00,Ålesund,\"digisos,integrasjon\"",
    "103,Spørsmål om pris,Closed,Low,Phone,Question,Brukerstøtte,Kari,2026-04-01 12:00:00,2026-04-03 12:00:00,"
    "2026-04-06 12:00:00,2026-04-06 12:00:00,Ukjent AS,faktura",
)


@pytest.fixture
def supporter():
    return make_actor("support", username="sunniva")


def tickets(session) -> dict[int, SupportTicket]:
    return {tk.ticket_number: tk for tk in session.scalars(select(SupportTicket))}


def test_import_inserts_and_links_by_tag_and_organisation_name(session, supporter):
    counts = import_tickets(session, supporter, GOOD)
    assert counts == {"rows": 3, "inserted": 3, "updated": 0, "unchanged": 0, "without_service": 1,
                      "without_organisation": 1}
    found = tickets(session)
    assert found[101].service.code == "svarut"
    assert found[101].organisation.name == "Bergen"
    assert found[102].service.code == "digisos"
    assert found[102].organisation.name == "Ålesund"          # Æ/Ø/Å match on SQLite too
    assert found[102].tags == "digisos, integrasjon"
    assert found[103].service_id is None and found[103].organisation_id is None
    assert found[103].requester_organisation == "Ukjent AS"
    # Oslo local time in the export, stored as UTC (CET = UTC+1 in March)
    assert found[101].opened_at == datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
    assert found[101].status == "open" and found[101].priority == "high" and found[101].source == "email"
    assert found[103].closed_at == datetime(2026, 4, 6, 10, 0, tzinfo=UTC)  # CEST = UTC+2 in April


def test_reimport_upserts_by_ticket_id_and_keeps_a_link_made_by_hand(session, supporter):
    import_tickets(session, supporter, GOOD)
    ukjent = tickets(session)[103]
    support.link_ticket(session, supporter, ukjent.id, {"service_code": "minside", "organisation_id": None})
    second = csv(
        "101,Brev ikke levert,Resolved,High,Email,Incident,Brukerstøtte,Kari,2026-03-02 09:15:00,"
        "2026-03-03 09:15:00,,2026-03-03 09:15:00,Bergen,svarut",
        "102,Søknad henger,Resolved,Medium,Portal,Question,Digisos-teamet,Ola,2026-03-05 08:00:00,"
        "2026-03-05 20:00:00,,2026-03-05 20:00:00,Ålesund,\"digisos,integrasjon\"",
        "103,Spørsmål om pris,Closed,Low,Phone,Question,Brukerstøtte,Kari,2026-04-01 12:00:00,2026-04-03 12:00:00,"
        "2026-04-06 12:00:00,2026-04-06 12:00:00,Ukjent AS,faktura",
        "104,Ny henvendelse,Open,Urgent,Chat,Incident,Brukerstøtte,Kari,2026-04-10 07:00:00,,,,Bergen,fiks-io",
    )
    counts = import_tickets(session, supporter, second)
    assert (counts["inserted"], counts["updated"], counts["unchanged"]) == (1, 1, 2)
    found = tickets(session)
    assert len(found) == 4
    assert found[101].status == "resolved"
    assert found[101].resolved_at == datetime(2026, 3, 3, 8, 15, tzinfo=UTC)
    assert found[103].service.code == "minside"     # the export gives no service: the hand-made link stays
    assert found[104].service.code == "fiks-io"


def test_bad_rows_are_all_reported_and_nothing_is_written(session, supporter):
    bad = csv(
        "201,Fin rad,Open,High,Email,,,,2026-03-02 09:15:00,,,,Bergen,svarut",
        "abc,Feil nummer,Open,High,Email,,,,2026-03-02 09:15:00,,,,Bergen,svarut",
        "203,,Flying,Extreme,Email,,,,2026-13-40 09:15,,,,Bergen,svarut",
        "204,Løst før opprettet,Resolved,Low,Email,,,,2026-03-02 09:15:00,2026-03-01 09:15:00,,,Bergen,svarut",
        "201,Dobbel,Open,High,Email,,,,2026-03-02 09:15:00,,,,Bergen,svarut",
    )
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ValidationFailed) as caught:
        import_tickets(session, supporter, bad)
    errors = {(e.row, e.field) for e in caught.value.errors}
    assert errors == {(3, "Ticket ID"), (4, "Emne"), (4, "Status"), (4, "Prioritet"), (4, "Opprettet"),
                      (5, "Løst"), (6, "Ticket ID")}
    message = caught.value.message
    assert "Ingenting er lagret" in message
    assert "Rad 4, felt «Status»: ukjent status «Flying»" in message
    assert "ticket 201 står to ganger i filen (første gang på rad 2)" in message
    assert session.scalar(select(func.count()).select_from(SupportTicket)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_missing_columns_named_in_plain_language(session, supporter):
    with pytest.raises(BackofficeError) as caught:
        import_tickets(session, supporter, b"Ticket ID,Subject\n1,Hei\n")
    assert "Status" in caught.value.message and "Priority" in caught.value.message


def test_semicolon_file_with_norwegian_headers_and_dates(session, supporter):
    content = ("Saksnummer;Emne;Status;Prioritet;Opprettet;Løst;Virksomhet;Stikkord\n"
               "301;Hei;Løst;Høy;02.03.2026 09:15;02.03.2026 11:15;0301;minside\n").encode("cp1252")
    counts = import_tickets(session, supporter, content)
    assert counts["inserted"] == 1
    ticket = tickets(session)[301]
    assert ticket.status == "resolved" and ticket.priority == "high"
    assert ticket.organisation.municipality_number == "0301"   # by municipality number
    assert ticket.service.code == "minside"


def test_mapping_table_links_group_and_name(session, supporter):
    oslo = session.scalar(select(Organisation).where(Organisation.municipality_number == "0301"))
    support.save_mapping(session, supporter, {"kind": "service_group", "value": "Digisos-teamet",
                                              "service_code": "digisos"})
    support.save_mapping(session, supporter, {"kind": "organisation", "value": "Oslo kommune, NAV",
                                              "organisation_id": oslo.id})
    content = csv("401,Hei,Open,Low,Email,,Digisos-teamet,,2026-03-02 09:15:00,,,,\"Oslo kommune, NAV\",")
    import_tickets(session, supporter, content)
    ticket = tickets(session)[401]
    assert ticket.service.code == "digisos" and ticket.organisation_id == oslo.id


def test_dry_run_writes_nothing(session, supporter):
    counts = import_tickets(session, supporter, GOOD, dry_run=True)
    assert counts["inserted"] == 3
    assert session.scalar(select(func.count()).select_from(SupportTicket)) == 0


def test_only_support_may_import(session):
    with pytest.raises(PermissionDenied):
        import_tickets(session, make_actor("finance"), GOOD)
    assert session.scalar(select(func.count()).select_from(SupportTicket)) == 0


def test_import_is_audited_as_one_batch_and_edits_row_by_row(session, supporter):
    import json

    session.info["actor"] = supporter
    import_tickets(session, supporter, GOOD)
    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.table_name == "support_ticket")))
    assert [(e.actor, e.action) for e in entries] == [("sunniva", "batch_import")]
    assert json.loads(entries[0].changes)["inserted"]["after"] == 3
    ticket = tickets(session)[101]
    support.mark_security_incident(session, supporter, ticket.id, {"note": "Brev til feil mottaker"})
    session.flush()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "support_ticket")
                           .order_by(AuditEntry.seq.desc()))
    assert entry.action == "update" and entry.row_id == str(ticket.id)
    assert json.loads(entry.changes)["security_incident"] == {"before": False, "after": True}


def test_security_incident_goes_on_the_list_and_security_closes_it(session, supporter):
    import_tickets(session, supporter, GOOD)
    ticket = tickets(session)[101]
    support.mark_security_incident(session, supporter, ticket.id, {"note": "Brev til feil mottaker"})
    open_list = support.open_security_incidents(session)
    assert [(r["ticket_number"], r["security_marked_by"], r["service"]) for r in open_list] == [
        (101, "sunniva", "svarut")]
    with pytest.raises(BackofficeError):
        support.mark_security_incident(session, supporter, ticket.id, {"note": "igjen"})
    with pytest.raises(PermissionDenied):
        support.close_security_followup(session, supporter, ticket.id, {"note": "Lukket"})
    support.close_security_followup(session, make_actor("security", username="siri"), ticket.id,
                                    {"note": "Avvik meldt og lukket"})
    assert support.open_security_incidents(session) == []
    assert ticket.security_closed_by == "siri" and ticket.security_outcome == "Avvik meldt og lukket"


def test_aggregates_on_known_tickets(session, supporter):
    import_tickets(session, supporter, GOOD)
    volume = statistics.monthly_volume(session, date(2026, 1, 1), date(2026, 12, 31))
    assert volume == [{"month": "2026-03", "service": "digisos", "tickets": 1},
                      {"month": "2026-03", "service": "svarut", "tickets": 1},
                      {"month": "2026-04", "service": "-", "tickets": 1}]
    resolution = {r["service"]: r for r in statistics.resolution_times(session, date(2026, 1, 1), date(2026, 12, 31))}
    assert resolution["digisos"]["resolved"] == 1 and resolution["digisos"]["avg_hours"] == 12.0
    assert resolution["digisos"]["within_1_day"] == 1.0
    assert resolution["-"]["avg_hours"] == 48.0 and resolution["-"]["within_1_day"] == 0.0
    assert resolution["-"]["within_3_days"] == 1.0
    backlog = statistics.backlog(session, today=date(2026, 3, 12))
    assert [(r["service"], r["priority"], r["tickets"], r["oldest_days"]) for r in backlog] == [
        ("svarut", "high", 1, 9)]
    top = statistics.top_organisations(session, date(2026, 1, 1), date(2026, 12, 31))
    assert {r["organisation"]: (r["tickets"], r["open"]) for r in top} == {
        "Bergen": (1, 1), "Ålesund": (1, 0), "Ukjent AS": (1, 0)}
    assert statistics.ticket_share(session, date(2026, 1, 1), date(2026, 12, 31)) == {"svarut": 1, "digisos": 1}


def test_facts_and_kpis_for_the_overview(session, supporter, system):
    import_tickets(session, supporter, GOOD)
    service = session.scalar(select(Service).where(Service.code == "svarut"))
    assert service is not None
    labels = [k.label for k in statistics.support_kpis(session, system)]
    assert labels == ["Åpne henvendelser", "Henvendelser siste 30 dager", "Snittid til løst (90 dager)",
                      "Åpne sikkerhetshendelser"]
    kpis = {k.label: k.value for k in statistics.support_kpis(session, system)}
    assert kpis["Åpne henvendelser"] == "1"
    facts = {f.label: f.value for f in statistics.support_facts(session, "svarut")}
    assert facts["Åpne henvendelser nå"] == "1"


def test_ticket_search_folds_norwegian_letters_and_takes_percent_literally(session, supporter):
    import_tickets(session, supporter, csv(
        "301,Brev til Ørland ble ikke levert,Open,High,Email,Incident,Brukerstøtte,Kari,2026-03-02 09:00:00,,,"
        "2026-03-02 10:00:00,Tromsø,svarut",
        "302,Sjekk 100% av forsendelsene,Open,Low,Email,Question,Brukerstøtte,Kari,2026-03-03 09:00:00,,,"
        "2026-03-03 10:00:00,Bergen,ÆØÅ-tegn",
        "303,Sjekk 100 prosent av forsendelsene,Open,Low,Email,Question,Brukerstøtte,Kari,2026-03-04 09:00:00,,,"
        "2026-03-04 10:00:00,Bergen,svarut",
    ))

    def found(search):
        return sorted(r["ticket_number"] for r in statistics.ticket_rows(session, search=search))

    assert found("ørland") == [301]          # subject
    assert found("TROMSØ") == [301]          # requester organisation
    assert found("  æøå ") == [302]          # tags, trimmed
    assert found("100%") == [302]            # not a wildcard
    assert found("prosent") == [303]
    assert found("#303") == [303]
