"""SSB's classification changes (KLASS): successor links, the merger plan and applying it, on the demo data with
real cases: the 2024 split of Ålesund (1507) into Ålesund (1508) and Haram (1580), the 2020 merger of Klæbu
(5030) into Trondheim (5001)."""
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from admin.cli import main
from agreements.models import AgreementStatus, MainAgreement, ServiceAppendix
from data.audit import AuditEntry
from data.errors import PermissionDenied, ValidationFailed
from data.metering.models import Meter, UsageEvent, UsageMonthly
from data.registers import changes
from data.registers.models import Organisation, OrganisationSuccession, Service
from pricing.invoicing.models import InvoiceLine, InvoiceRun
from tests.conftest import make_actor

HEADER = '"oldCode";"oldName";"oldShortName";"newCode";"newName";"newShortName";"changeOccurred"\n'
SPLIT_2024 = (HEADER + '"1507";"Ålesund";"";"1508";"Ålesund";"";"2024-01-01"\n'
              '"1507";"Ålesund";"";"1580";"Haram";"";"2024-01-01"\n').encode()
MERGER_2020 = (HEADER + '"5030";"Klæbu";"";"5001";"Trondheim";"";"2020-01-01"\n').encode()
SPLIT_DAY, MERGER_DAY = date(2024, 1, 1), date(2020, 1, 1)


def _current(session, number: str) -> Organisation:
    return session.scalars(select(Organisation).where(Organisation.municipality_number == number,
                                                      Organisation.valid_to.is_(None))).one()


def _service(session, code: str) -> Service:
    return session.scalars(select(Service).where(Service.code == code)).one()


def _appendix(session, org, code, start, end=None, status=AgreementStatus.SIGNED.value):
    row = ServiceAppendix(organisation_id=org.id, service_id=_service(session, code).id, appendix_version="2.0",
                          status=status, signed_date=start, start_date=start, end_date=end, price_model="fixed")
    session.add(row)
    return row


def _old_municipality(session, number, name, county, valid_from) -> Organisation:
    org = Organisation(name=name, kind="municipality", municipality_number=number, county_number=county,
                       valid_from=valid_from, population=1000, population_year=2019)
    session.add(org)
    session.flush()
    session.add(MainAgreement(organisation_id=org.id, status=AgreementStatus.SIGNED.value, signed_date=valid_from,
                              signatory="Rådmannen"))
    return org


@pytest.fixture
def klaebu(demo_session):
    """Klæbu as it was in 2019, with a main agreement, appendices, a council seat, usage and an invoice line."""
    session = demo_session
    org = _old_municipality(session, "5030", "Klæbu", "50", date(2018, 1, 1))
    _appendix(session, org, "svarut", date(2016, 3, 1))        # Trondheim has SvarUt: ends
    _appendix(session, org, "fiks-io", date(2018, 5, 1))       # Trondheim has none: carried over
    meter = session.scalars(select(Meter).where(Meter.code == "svarut.shipment")).one()
    trondheim = _current(session, "5001")
    first = session.scalar(select(func.min(UsageMonthly.month)).where(UsageMonthly.organisation_id == trondheim.id,
                                                                      UsageMonthly.meter_id == meter.id))
    for month, quantity in ((date(2019, 12, 1), 40), (date(2020, 1, 1), 7), (first, 5)):
        session.add(UsageMonthly(month=month, meter_id=meter.id, organisation_id=org.id, quantity=quantity,
                                 events=quantity, late_quantity=0, late_events=0))
    session.add(UsageEvent(source="svarut", event_id="klaebu-late-1", meter_id=meter.id, organisation_id=org.id,
                           occurred_at=datetime(2020, 1, 15, 9, tzinfo=UTC), month=date(2020, 1, 1),
                           quantity=7, received_at=datetime(2020, 2, 1, tzinfo=UTC), batch_id=1))
    run = InvoiceRun(number=90001, period="2019", period_start=date(2019, 1, 1), period_end=date(2019, 12, 31),
                     approved_by="okonomi")
    session.add(run)
    session.flush()
    svarut = _service(session, "svarut")
    session.add(InvoiceLine(run_id=run.id, kind="fixed", organisation_id=org.id, organisation_name="Klæbu",
                            service_id=svarut.id, service_code="svarut", description="SvarUt 2019", period="2019",
                            year=2019, billed_from=date(2019, 1, 1), billed_to=date(2019, 12, 31), quantity=1,
                            unit_price=1234500, amount_ore=1234500))
    session.flush()
    return org, trondheim, meter, first


def test_parse_reads_klass_changes_and_reports_every_bad_row():
    rows = changes.parse_klass_changes(SPLIT_2024)
    assert [(r.old_code, r.new_code, r.new_name, r.change_date) for r in rows] == [
        ("1507", "1508", "Ålesund", SPLIT_DAY), ("1507", "1580", "Haram", SPLIT_DAY)]
    bad = (HEADER + '"1507";"Ålesund";"";"1508";"Ålesund";"";"2024-13-01"\n'
           '"15";"Møre og Romsdal";"";"1580";"Haram";"";"2024-01-01"\n'
           '"1507";"";"";"1580";"Haram";"";"01.01.2024"\n').encode()
    with pytest.raises(ValidationFailed) as caught:
        changes.parse_klass_changes(bad)
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "changeOccurred"), (3, "newCode"), (4, "oldName")]
    with pytest.raises(ValidationFailed, match="changeOccurred"):
        changes.parse_klass_changes(b"oldCode;oldName;newCode;newName\n1507;A;1508;B\n")


@pytest.mark.both_databases
def test_split_links_both_successors_and_ends_the_predecessor(demo_session, system):
    session = demo_session
    old = _old_municipality(session, "1507", "Ålesund", "15", date(2020, 1, 1))
    report = changes.import_changes(session, system, SPLIT_2024)
    assert (report.rows, report.links, report.not_in_register) == (2, 2, 0)
    links = session.scalars(select(OrganisationSuccession).where(OrganisationSuccession.predecessor_id == old.id)
                            .order_by(OrganisationSuccession.new_code)).all()
    assert [(link.successor.municipality_number, link.kind, link.change_date, link.applied_at) for link in links] == [
        ("1508", "split", SPLIT_DAY, None), ("1580", "split", SPLIT_DAY, None)]
    assert old.valid_to == date(2023, 12, 31)
    again = changes.import_changes(session, system, SPLIT_2024)
    assert (again.links, again.already_linked, again.not_in_register) == (0, 2, 0)   # importing twice is harmless


@pytest.mark.both_databases
def test_all_or_nothing_on_a_bad_row(demo_session, system):
    session = demo_session
    old = _old_municipality(session, "1507", "Ålesund", "15", date(2020, 1, 1))
    with pytest.raises(ValidationFailed) as caught:
        changes.import_changes(session, system, SPLIT_2024 + '"1507";"Ålesund";"";"1581";"X";"";"2024-02-30"\n'
                               .encode())
    assert "Rad 4" in caught.value.message and "changeOccurred" in caught.value.message
    assert old.valid_to is None
    assert session.scalar(select(func.count()).select_from(OrganisationSuccession)) == 0


def test_renumbering_renames_and_unknown_codes(demo_session, system):
    session = demo_session
    halden = _current(session, "3101")
    halden.municipality_number = "3001"   # a register loaded before the 2024 county reform
    session.flush()
    content = (HEADER + '"3001";"Halden";"";"3101";"Halden";"";"2024-01-01"\n'
               '"5025";"Røros";"";"5025";"Røros - Rossen";"";"2023-01-01"\n'
               '"1504";"Ålesund";"";"1507";"Ålesund";"";"2020-01-01"\n'
               '"1580";"Haram";"";"1599";"Haram og Omegn";"";"2030-01-01"\n'
               '"1580";"Haram";"";"1598";"Nye Brattvåg";"";"2030-01-01"\n').encode()
    report = changes.import_changes(session, system, content)
    assert report.renumbered == ["Halden: 3001 → 3101"] and halden.municipality_number == "3101"
    assert (report.renames, report.not_in_register, report.links) == (1, 1, 2)
    assert report.created == ["Haram og Omegn (1599)", "Nye Brattvåg (1598)"]   # a hypothetical split
    created = session.scalars(select(Organisation).where(Organisation.municipality_number == "1599")).one()
    assert (created.kind, created.county_number, created.valid_from) == ("municipality", "15", date(2030, 1, 1))


def test_only_the_administrator_imports(demo_session):
    with pytest.raises(PermissionDenied):
        changes.import_changes(demo_session, make_actor("product_owner"), SPLIT_2024)


def test_merger_plan_names_what_every_room_would_do(demo_session, system, klaebu):
    session = demo_session
    org, trondheim, _meter, first = klaebu
    changes.import_changes(session, system, MERGER_2020)
    plan = changes.merger_plan(session)
    assert [(g["predecessor"], g["successors"], g["kind"], g["change_date"]) for g in plan] == [
        ("Klæbu", [trondheim.name], "merger", MERGER_DAY)]
    items = {(i.room, i.action, i.service): i.text for i in plan[0]["items"]}
    assert items[("registers", "stays", None)].startswith("Klæbu gjelder til 31.12.2019 og blir stående med sin "
                                                          "historikk")
    assert items[("agreements", "ends", "svarut")] == (
        f"SvarUt: vedlegget til Klæbu avsluttes 31.12.2019 ({trondheim.name} har allerede et vedlegg).")
    assert items[("agreements", "moves", "fiks-io")].startswith(f"Fiks IO: vedlegget videreføres for {trondheim.name} "
                                                                "fra 01.01.2020")
    assert items[("agreements", "ends", None)] == "Hovedavtalen til Klæbu avsluttes 31.12.2019."
    months = 2 if first != date(2020, 1, 1) else 1
    assert items[("metering", "follows", None)] == (
        f"Forbruket til Klæbu fra og med januar 2020 (12 hendelser, {months} måneder) flyttes til {trondheim.name}.")
    assert items[("invoicing", "follows", "svarut")] == (
        f"SvarUt: andelen til Klæbu av selvkostfondet (fakturert 12\xa0345,00 kr) følger {trondheim.name}.")
    rows = changes.plan_rows(plan)
    assert {r["room"] for r in rows} == {"Register", "Avtaler og brukerråd", "Forbruk", "Selvkostfond"}
    assert session.scalar(select(func.count()).select_from(ServiceAppendix).where(
        ServiceAppendix.organisation_id == org.id, ServiceAppendix.end_date.is_(None))) == 2   # nothing moved yet


@pytest.mark.both_databases
def test_applying_moves_appendices_and_usage_and_keeps_history(demo_session, system, klaebu):
    session = demo_session
    org, trondheim, meter, first = klaebu
    changes.import_changes(session, system, MERGER_2020)
    trondheim_first = session.get(UsageMonthly, (first, meter.id, trondheim.id)).quantity
    produkt = make_actor("product_owner", username="produkt", owned=("svarut", "fiks-io"))
    session.info["actor"] = produkt
    applied = changes.apply_plan(session, produkt)
    assert [(a["predecessor"], a["kind"]) for a in applied] == [("Klæbu", "merger")]
    ended = session.scalars(select(ServiceAppendix).where(ServiceAppendix.organisation_id == org.id)).all()
    assert {a.end_date for a in ended} == {date(2019, 12, 31)}
    carried = session.scalars(select(ServiceAppendix).where(
        ServiceAppendix.organisation_id == trondheim.id,
        ServiceAppendix.service_id == _service(session, "fiks-io").id)).one()
    assert (carried.start_date, carried.end_date, carried.status, carried.appendix_version) == (
        MERGER_DAY, None, "signed", "2.0")
    assert carried.notes == "Videreført fra Klæbu ved endringen 01.01.2020."
    main_klaebu = session.scalars(select(MainAgreement).where(MainAgreement.organisation_id == org.id)).one()
    assert (main_klaebu.status, main_klaebu.terminated_date) == ("terminated", date(2019, 12, 31))
    # usage before the date stays with Klæbu; from the date it follows Trondheim, added to what is there
    assert session.get(UsageMonthly, (date(2019, 12, 1), meter.id, org.id)).quantity == 40
    assert session.get(UsageMonthly, (date(2020, 1, 1), meter.id, org.id)) is None
    assert session.get(UsageMonthly, (date(2020, 1, 1), meter.id, trondheim.id)).quantity == 7
    assert session.get(UsageMonthly, (first, meter.id, trondheim.id)).quantity == trondheim_first + 5
    event = session.scalars(select(UsageEvent).where(UsageEvent.event_id == "klaebu-late-1")).one()
    assert event.organisation_id == trondheim.id
    # population history stays with each number
    assert (org.population, org.population_year, org.valid_to) == (1000, 2019, date(2019, 12, 31))
    link = session.scalars(select(OrganisationSuccession).where(OrganisationSuccession.predecessor_id == org.id)).one()
    assert link.applied_by == "produkt" and link.applied_at is not None
    assert any(item["text"].startswith("Fiks IO: vedlegget videreføres") for item in json.loads(link.moved))
    history = changes.organisation_history(session, trondheim.id)
    assert [(h["relation"], h["organisation"], h["status"]) for h in history] == [
        ("Forgjenger", "Klæbu", "Gjennomført")]
    assert "Fiks IO: vedlegget videreføres" in history[0]["moved"]
    audit = session.scalars(select(AuditEntry).where(AuditEntry.actor == "produkt")).all()
    assert {(e.table_name, e.action) for e in audit} >= {
        ("agreement_appendix", "insert"), ("agreement_appendix", "update"), ("agreement_main", "update"),
        ("organisation_succession", "update")}
    assert changes.merger_plan(session) == []


def test_applying_needs_the_product_owner_of_every_service_touched(demo_session, system, klaebu):
    session = demo_session
    changes.import_changes(session, system, MERGER_2020)
    with pytest.raises(PermissionDenied, match="Fiks IO|fiks-io"):
        changes.apply_plan(session, make_actor("product_owner", owned=("svarut",)))
    with pytest.raises(PermissionDenied):
        changes.apply_plan(session, make_actor("admin"))
    assert changes.merger_plan(session) != []


def test_cli_imports_shows_the_plan_and_applies(demo_session, klaebu, tmp_path, capsys):
    path = tmp_path / "endringer.csv"
    path.write_bytes(MERGER_2020)
    assert main(["orgs", "changes", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 endringer lest: 1 nye koblinger til etterfølger" in out
    assert "01.01.2020: Klæbu → " in out and "[Avsluttes] SvarUt: vedlegget til Klæbu avsluttes 31.12.2019" in out
    assert "Planen er ikke gjennomført" in out
    assert main(["orgs", "changes", "plan"]) == 0
    assert "[Flyttes] Fiks IO" in capsys.readouterr().out
    assert main(["orgs", "changes", "apply", "--date", "2020-01-01"]) == 0
    assert "Sammenslåingsplanen er gjennomført for 1 virksomheter." in capsys.readouterr().out
    assert main(["orgs", "changes", "apply"]) == 1
    assert "Ingen sammenslåinger" in capsys.readouterr().err
