"""The agreements' part of a merger plan (agreements/mergers.py) on the demo data: the 2024 split of Ålesund
(1507) into Ålesund (1508) and Haram (1580), and a merger of two predecessors (2020: Ørskog and Skodje into
the new Ålesund, 1507)."""
from datetime import date

import pytest
from sqlalchemy import select

from agreements.models import AgreementStatus, Council, CouncilMember, MainAgreement, ServiceAppendix
from data.registers import changes
from data.registers.models import Organisation, Service
from tests.conftest import make_actor
from tests.pages import errors_of, render

HEADER = "oldCode;oldName;oldShortName;newCode;newName;newShortName;changeOccurred\n"
SPLIT_2024 = (HEADER + "1507;Ålesund;;1508;Ålesund;;2024-01-01\n1507;Ålesund;;1580;Haram;;2024-01-01\n").encode()
MERGER_2020 = (HEADER + "1523;Ørskog;;1507;Ålesund;;2020-01-01\n1529;Skodje;;1507;Ålesund;;2020-01-01\n").encode()


def _current(session, number: str) -> Organisation:
    return session.scalars(select(Organisation).where(Organisation.municipality_number == number,
                                                      Organisation.valid_to.is_(None))).one()


def _service(session, code: str) -> Service:
    return session.scalars(select(Service).where(Service.code == code)).one()


def _municipality(session, number, name, valid_from, valid_to=None, main=True) -> Organisation:
    org = Organisation(name=name, kind="municipality", municipality_number=number, county_number="15",
                       valid_from=valid_from, valid_to=valid_to)
    session.add(org)
    session.flush()
    if main:
        session.add(MainAgreement(organisation_id=org.id, status="signed", signed_date=valid_from, signatory="Ordfører"))
    return org


def _appendix(session, org, code, start, end=None) -> ServiceAppendix:
    row = ServiceAppendix(organisation_id=org.id, service_id=_service(session, code).id, appendix_version="3.1",
                          status="signed", signed_date=start, start_date=start, end_date=end, price_model="combined")
    session.add(row)
    session.flush()
    return row


def _appendices(session, org, code) -> list[tuple]:
    return [(a.start_date, a.end_date, a.appendix_version, a.price_model) for a in session.scalars(
        select(ServiceAppendix).where(ServiceAppendix.organisation_id == org.id,
                                      ServiceAppendix.service_id == _service(session, code).id)
        .order_by(ServiceAppendix.start_date))]


@pytest.fixture
def split(demo_session, system):
    """Ålesund 2020–2023 with SvarUt (both successors have it), Fiks IO (neither has it) and a SvarUt council
    seat, then SSB's 2024 change records imported."""
    session = demo_session
    old = _municipality(session, "1507", "Ålesund", date(2020, 1, 1))
    svarut = _appendix(session, old, "svarut", date(2020, 1, 1))
    fiks_io = _appendix(session, old, "fiks-io", date(2021, 3, 1))
    council = session.scalars(select(Council).join(Service).where(Service.code == "svarut")).one()
    session.add(CouncilMember(council_id=council.id, person_name="Ola Nordmann", organisation_id=old.id,
                              role="member", term_from=date(2022, 1, 1)))
    session.flush()
    changes.import_changes(session, system, SPLIT_2024)
    return old, svarut, fiks_io, _current(session, "1508"), _current(session, "1580")


def test_split_plan(demo_session, split):
    old, _svarut, _fiks_io, alesund, haram = split
    plan = changes.merger_plan(demo_session)
    assert [(g["predecessor"], g["successors"], g["kind"]) for g in plan] == [
        ("Ålesund", sorted([alesund.name, haram.name]), "split")]
    items = [(i.room, i.action, i.service, i.text) for i in plan[0]["items"] if i.room == "agreements"]
    successors = ", ".join(sorted([alesund.name, haram.name]))
    first, second = sorted([alesund, haram], key=lambda o: o.name)
    assert items == [
        ("agreements", "ends", "svarut",
         f"SvarUt: vedlegget til Ålesund avsluttes 31.12.2023 ({successors} har allerede et vedlegg)."),
        ("agreements", "moves", "fiks-io",
         f"Fiks IO: vedlegget videreføres for {first.name} fra 01.01.2024; vedlegget til Ålesund avsluttes dagen før."),
        ("agreements", "moves", "fiks-io",
         f"Fiks IO: vedlegget videreføres for {second.name} fra 01.01.2024; vedlegget til Ålesund avsluttes dagen før."),
        ("agreements", "ends", None, "Hovedavtalen til Ålesund avsluttes 31.12.2023."),
        ("agreements", "flagged", "svarut",
         "Brukerråd for SvarUt: Ola Nordmann (Medlem) representerer Ålesund, som opphører 01.01.2024; brukermøtet må "
         "velge på nytt eller bekrefte plassen."),
    ]


def test_split_apply_copies_to_each_successor_and_keeps_history(demo_session, split):
    session = demo_session
    old, svarut, fiks_io, alesund, haram = split
    svarut_before = {o.id: _appendices(session, o, "svarut") for o in (alesund, haram)}
    changes.apply_plan(session, make_actor("product_owner", owned=("svarut", "fiks-io")))
    session.expire_all()
    assert (svarut.end_date, fiks_io.end_date) == (date(2023, 12, 31), date(2023, 12, 31))
    assert _appendices(session, old, "fiks-io") == [(date(2021, 3, 1), date(2023, 12, 31), "3.1", "combined")]
    for successor in (alesund, haram):
        assert _appendices(session, successor, "fiks-io") == [(date(2024, 1, 1), None, "3.1", "combined")]
        assert _appendices(session, successor, "svarut") == svarut_before[successor.id]   # they kept their own
    seat = session.scalars(select(CouncilMember).where(CouncilMember.organisation_id == old.id)).one()
    assert seat.term_to is None   # flagged, never changed: the user meeting elects
    main = session.scalars(select(MainAgreement).where(MainAgreement.organisation_id == old.id)).one()
    assert (main.status, main.terminated_date) == (AgreementStatus.TERMINATED.value, date(2023, 12, 31))
    assert old.valid_to == date(2023, 12, 31)


def test_merger_of_two_the_first_carries_over_and_a_new_main_agreement(demo_session, system):
    session = demo_session
    orskog = _municipality(session, "1523", "Ørskog", None)
    skodje = _municipality(session, "1529", "Skodje", None)
    new_alesund = _municipality(session, "1507", "Ålesund", date(2020, 1, 1), date(2023, 12, 31), main=False)
    _appendix(session, orskog, "minside", date(2019, 2, 1), date(2021, 12, 31))
    _appendix(session, skodje, "minside", date(2018, 6, 1))   # Skodje before Ørskog by name: it carries over
    future = _appendix(session, skodje, "digisos", date(2020, 3, 1))   # never ran for Skodje: moves whole
    changes.import_changes(session, system, MERGER_2020)
    plan = changes.merger_plan(session)
    texts = [i.text for g in plan for i in g["items"] if i.room == "agreements"]
    assert "MinSide: vedlegget videreføres for Ålesund fra 01.01.2020; vedlegget til Skodje avsluttes dagen før." \
        in texts
    assert "MinSide: vedlegget til Ørskog avsluttes 31.12.2019 (Ålesund har allerede et vedlegg)." in texts
    assert "Digisos: vedlegget til Skodje har ikke startet og flyttes til Ålesund." in texts
    assert texts.count("Hovedavtalen videreføres: Ålesund får en hovedavtale fra 01.01.2020 som etterfølger av "
                       "Skodje.") == 1
    changes.apply_plan(session, system)
    assert _appendices(session, new_alesund, "minside") == [(date(2020, 1, 1), None, "3.1", "combined")]
    assert _appendices(session, orskog, "minside") == [(date(2019, 2, 1), date(2019, 12, 31), "3.1", "combined")]
    assert future.organisation_id == new_alesund.id and future.start_date == date(2020, 3, 1)
    main = session.scalars(select(MainAgreement).where(MainAgreement.organisation_id == new_alesund.id)).one()
    assert (main.status, main.signed_date, main.signatory) == ("signed", date(2020, 1, 1), "Videreført fra Skodje")


def test_mergers_page_shows_the_plan_and_the_product_owner_applies_it(demo_session, split):
    old, _svarut, fiks_io, alesund, _haram = split
    demo_session.commit()
    finance = render("agreements/pages/mergers.py", make_actor("finance"))
    assert errors_of(finance) == []
    assert "Produktansvarlig for tjenestene gjennomfører planen." in [i.value for i in finance.info]
    plan = finance.dataframe[0].value
    assert "Fiks IO: vedlegget videreføres for Ålesund fra 01.01.2024; vedlegget til Ålesund avsluttes dagen før." \
        in list(plan["text"])
    owner = make_actor("product_owner", username="produkt", owned=("svarut", "fiks-io"))
    app = render("agreements/pages/mergers.py", owner)
    app.checkbox(key="apply-2024-01-01-ok").check().run()
    app.button(key="apply-2024-01-01-go").click().run()
    assert errors_of(app) == []
    demo_session.expire_all()
    assert fiks_io.end_date == date(2023, 12, 31)
    assert _appendices(demo_session, alesund, "fiks-io") == [(date(2024, 1, 1), None, "3.1", "combined")]
    assert "Ingen sammenslåinger venter." in " ".join(i.value for i in app.info)
    page = render("admin/pages/organisations.py", make_actor("support"))
    assert errors_of(page) == []
    history = page.dataframe[-1].value   # the first organisation with a link by name: Haram
    assert [tuple(r) for r in history[["relation", "organisation", "status"]].values] == [
        ("Forgjenger", "Ålesund", "Gjennomført")]
    assert "Fiks IO: vedlegget videreføres for Haram" in history["moved"][0]
    assert old.valid_to == date(2023, 12, 31)
