"""KPIs, service facts (and the service sheet that collects them), the demo data and every page."""
import random
from datetime import date

import pytest
from sqlalchemy import func, select

import agreements
from agreements import overview
from agreements.demo import load_demo
from agreements.models import Council, CouncilMember, MainAgreement, ServiceAppendix
from data import db, demo
from data.access import ROLES
from tests.agreements.helpers import OWNER, add_appendix, municipality, sign_main
from tests.conftest import make_actor
from tests.pages import errors_of, render


def test_service_facts_for_a_small_data_set(session, monkeypatch):
    from agreements import change_requests, councils, roadmap

    monkeypatch.setattr("agreements.overview.today", lambda: date(2025, 6, 1))
    monkeypatch.setattr("agreements.roadmap.today", lambda: date(2025, 6, 1))
    monkeypatch.setattr("agreements.councils.today", lambda: date(2025, 6, 1))
    monkeypatch.setattr("agreements.adoption.today", lambda: date(2025, 6, 1))
    monkeypatch.setattr("agreements.appendices.today", lambda: date(2025, 6, 1))
    orgs = [municipality(session, n) for n in ("0301", "4601", "5001", "1103", "5501")]
    for org in orgs:
        sign_main(session, org)
        add_appendix(session, org, "svarut", date(2023, 1, 1))
    councils.elect_council(session, OWNER, "svarut", {"term_from": date(2025, 1, 1), "members": [
        {"person_name": f"Person {i}", "organisation_id": o.id, "role": "chair" if i == 0 else "member",
         "term_from": date(2025, 1, 1)} for i, o in enumerate(orgs)]})
    item = roadmap.save_roadmap_item(session, OWNER, {"service_code": "svarut", "title": "Varsling", "year": 2025,
                                                      "quarter": 3})
    for priority in (1, 1, None):
        change_requests.save_change_request(session, OWNER, {
            "service_code": "svarut", "title": "Ønske", "submitted_by": "Kari", "submitted_on": date(2025, 2, 1),
            "council_priority": priority, "roadmap_item_id": item.id})
    facts = {f.label: f.value for f in overview.service_facts(session, "svarut")}
    assert facts["Kommuner som bruker tjenesten"] == "5 av 357 (1,4 %)"
    assert facts["Fylkeskommuner som bruker tjenesten"] == "0 av 14 (0,0 %)"
    assert facts["Utvikling (antall kommuner)"] == ("31.12.2022: 0 → 31.12.2023: 5 → 31.12.2024: 5 → "
                                                    "01.06.2025: 5")
    assert facts["Brukerrådet (5 medlemmer)"].startswith("Person 0 (Oslo, leder); ")
    assert facts["Åpne endringsønsker etter prioritet"] == "Prioritet 1: 2, Ikke prioritert: 1"
    assert facts["Veikart (neste fire kvartaler)"] == "2025 K3: Varsling (planlagt)"


def test_service_sheet_carries_the_agreement_facts(session):
    from admin.service_sheet import build_sheet

    oslo = municipality(session, "0301")
    sign_main(session, oslo)
    add_appendix(session, oslo, "svarut", date(2020, 1, 1))
    sheet = build_sheet(session, "svarut")
    sections = dict(sheet.sections)
    values = {f.label: f.value for f in sections["Avtaler og utbredelse"]}
    assert values["Kommuner som bruker tjenesten"] == "1 av 357 (0,3 %)"


def test_kpis(session):
    oslo = municipality(session, "0301")
    sign_main(session, oslo)
    add_appendix(session, oslo, "svarut", date(2020, 1, 1))
    kpis = {k.label: k for k in overview.kpis(session, make_actor("leader"))}
    assert kpis["Kommuner som bruker minst én tjeneste"].value == "1 / 357"
    assert kpis["Signerte hovedavtaler"].value == "1"
    assert kpis["Tjenestevedlegg i kraft"].value == "1"


@pytest.fixture
def demo_data(db_url, system):
    with db.session_scope(actor=system) as session:
        demo.load(session, system, [load_demo])
    return db_url


def test_demo_data_is_realistic_and_follows_the_rules(demo_data):
    from agreements import appendices, councils
    from agreements.adoption import adoption_by_service

    with db.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(MainAgreement)) > 330
        shares = {r["service_code"]: r["municipality_share"] for r in adoption_by_service(session)}
        assert shares["svarut"] > shares["digisos"] > shares["minside"] > shares["fiks-arkiv"] > 0.1
        assert session.scalar(select(func.count()).select_from(MainAgreement)
                              .where(MainAgreement.status == "terminated")) == 3
        assert session.scalar(select(func.count()).select_from(Council)) == 4   # MinSide, Fiks IO: elected 2025
        for code in ("svarut", "digisos", "minside", "fiks-io"):
            sitting = councils.member_rows(session, code, date(2025, 6, 1))
            assert 5 <= len(sitting) <= 8
            assert councils.council_problems(session, code, date(2025, 6, 1)) == []
        assert len(appendices.must_resign(session, "svarut")) > 10
        # no two signed appendices overlap for the same organisation and service
        a, b = ServiceAppendix.__table__.alias("a"), ServiceAppendix.__table__.alias("b")
        overlaps = session.scalar(select(func.count()).select_from(a).join(b, (a.c.organisation_id == b.c.organisation_id)
                                  & (a.c.service_id == b.c.service_id) & (a.c.id < b.c.id)).where(
            a.c.status.in_(("signed", "terminated")), b.c.status.in_(("signed", "terminated")),
            a.c.start_date <= func.coalesce(b.c.end_date, date(9999, 12, 31)),
            b.c.start_date <= func.coalesce(a.c.end_date, date(9999, 12, 31))))
        assert overlaps == 0
        assert session.scalar(select(func.count()).select_from(CouncilMember)) >= 12
    with db.session_scope(actor=make_actor("system")) as session:  # loading twice adds nothing
        before = session.scalar(select(func.count()).select_from(ServiceAppendix))
        load_demo(session, make_actor("system"), random.Random(1))
        assert session.scalar(select(func.count()).select_from(ServiceAppendix)) == before


@pytest.mark.parametrize("role", ROLES)
def test_pages_render_with_demo_data_for_every_role(demo_data, role):
    actor = make_actor(role, owned=("svarut", "digisos") if role == "product_owner" else ())
    for spec in agreements.PAGES:
        if spec.visible_to(actor):
            app = render(spec.path, actor)
            assert errors_of(app) == [], f"{spec.path} as {role}"


def test_pages_render_on_an_empty_database_and_in_english(db_url):
    for spec in agreements.PAGES:
        app = render(spec.path, OWNER)
        assert errors_of(app) == [], spec.path
        app = render(spec.path, make_actor("finance"), language="en")
        assert errors_of(app) == [], spec.path


def test_product_owner_records_a_change_request_from_the_page(demo_data):
    actor = make_actor("product_owner", username="produkt", owned=("svarut",))
    app = render("agreements/pages/change_requests.py", actor)
    first = {}
    for widget in app.text_input:  # the change-request form comes before the roadmap form
        first.setdefault(widget.label, widget)
    first["Tittel"].input("Eksport til Excel")
    first["Meldt av"].input("Kari Nordmann")
    next(b for b in app.button if b.label == "Lagre").click().run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        from agreements.models import ChangeRequest

        saved = session.scalar(select(ChangeRequest).where(ChangeRequest.title == "Eksport til Excel"))
        assert saved is not None and saved.submitted_by == "Kari Nordmann" and saved.status == "new"


def test_page_refuses_a_bad_change_with_a_plain_message(demo_data):
    actor = make_actor("product_owner", username="produkt", owned=("svarut",))
    app = render("agreements/pages/change_requests.py", actor)
    next(b for b in app.button if b.label == "Lagre").click().run()
    assert [e.value for e in app.error] == ["2 feil funnet. Ingenting er lagret. Rett feilene og prøv igjen."]
    shown = next(d.value for d in app.dataframe if "message" in d.value.columns)
    assert sorted(zip(shown["field"], shown["message"], strict=True)) == [("Meldt av", "Må fylles ut."),
                                                                         ("Tittel", "Må fylles ut.")]
    assert not app.exception
