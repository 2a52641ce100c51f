"""Data processing agreements per service: versions, signatures, who must sign the newest, the municipalities'
own ROS and DPIA, the overview and service-sheet figures, the CLI, permissions and audit (issue 23, item 3)."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from admin.cli import main
from agreements import adoption, processing
from agreements.agreements import RuleError
from agreements.models import DpaSignature, DpaVersion
from data import db
from data.access import ROLES
from data.audit import AuditEntry
from data.errors import PermissionDenied, ValidationFailed
from tests.agreements.helpers import OWNER, add_appendix, municipality, sign_main
from tests.conftest import make_actor
from tests.pages import errors_of, render

TODAY = date.today()


@pytest.fixture
def svarut_users(session):
    """Oslo, Bergen and Trondheim with SvarUt in force, Tromsø whose appendix ended; Bergen on Digisos too."""
    orgs = {}
    for number in ("0301", "4601", "5001", "5501"):
        org = municipality(session, number)
        sign_main(session, org)
        orgs[number] = org
    add_appendix(session, orgs["0301"], "svarut", date(2020, 1, 1))
    add_appendix(session, orgs["4601"], "svarut", date(2021, 3, 1))
    add_appendix(session, orgs["5001"], "svarut", date(2022, 5, 1))
    add_appendix(session, orgs["5501"], "svarut", date(2019, 1, 1), end=date(2023, 12, 31))
    add_appendix(session, orgs["4601"], "digisos", date(2021, 3, 1))
    return orgs


def _versions(session):
    processing.add_version(session, OWNER, {"service_code": "svarut", "label": "1.0",
                                            "valid_from": date(2020, 1, 1), "document_ref": "DBA-1"})
    return processing.add_version(session, OWNER, {"service_code": "svarut", "label": "2.0",
                                                   "valid_from": TODAY - timedelta(days=30), "document_ref": "DBA-2",
                                                   "changes": "Ny underdatabehandler"})


def _sign(session, org, label, signed=date(2022, 6, 1), actor=OWNER):
    return processing.record_signature(session, actor, {"service_code": "svarut", "organisation_id": org.id,
                                                        "label": label, "signed_date": signed})


def test_the_resign_list_names_those_in_force_without_the_newest_version(session, svarut_users):
    _versions(session)
    oslo, bergen, trondheim = svarut_users["0301"], svarut_users["4601"], svarut_users["5001"]
    _sign(session, oslo, "1.0")
    _sign(session, oslo, "2.0", TODAY)
    _sign(session, bergen, "1.0", date(2021, 3, 1))
    rows = processing.must_sign(session, "svarut")
    assert [(r["organisation"], r["signed_version"], r["signed_date"], r["new_version"]) for r in rows] == [
        ("Bergen", "1.0", date(2021, 3, 1), "2.0"), ("Trondheim - Tråante", None, None, "2.0")]
    assert (rows[0]["org_number"], rows[1]["org_number"]) == (bergen.org_number, trondheim.org_number)
    # Tromsø's appendix has ended: not on the list; Oslo signed 2.0: not on the list
    assert processing.unsigned_by_service(session) == {"svarut": 2}
    by_org = {r["organisation"]: r for r in processing.appendix_rows(session, "svarut")}
    assert by_org["Oslo"]["dpa_version"] == "2.0" and by_org["Oslo"]["must_sign"] is False
    assert by_org["Bergen"]["dpa_version"] == "1.0" and by_org["Bergen"]["must_sign"] is True
    assert [(v["label"], v["signed"]) for v in processing.version_rows(session, "svarut")] == [("2.0", 1), ("1.0", 2)]


def test_a_future_version_must_be_signed_ahead_and_an_older_one_is_refused(session, svarut_users):
    _versions(session)
    with pytest.raises(RuleError) as refused:
        processing.add_version(session, OWNER, {"service_code": "svarut", "label": "1.5",
                                                "valid_from": date(2021, 1, 1)})
    assert "Siste versjon (2.0) gjelder fra" in refused.value.message
    processing.add_version(session, OWNER, {"service_code": "svarut", "label": "3.0",
                                            "valid_from": TODAY + timedelta(days=60)})
    assert {r["new_version"] for r in processing.must_sign(session, "svarut")} == {"3.0"}
    with pytest.raises(RuleError, match="Versjon 3.0 av databehandleravtalen for SvarUt finnes allerede"):
        processing.add_version(session, OWNER, {"service_code": "svarut", "label": "3.0",
                                                "valid_from": TODAY + timedelta(days=90)})


def test_signature_rules_in_plain_words(session, svarut_users):
    _versions(session)
    oslo = svarut_users["0301"]
    with pytest.raises(RuleError, match="SvarUt har ingen databehandleravtale med versjon 9.9"):
        _sign(session, oslo, "9.9")
    with pytest.raises(RuleError, match="er fram i tid"):
        _sign(session, oslo, "1.0", TODAY + timedelta(days=1))
    hamar = municipality(session, "3403")
    with pytest.raises(RuleError, match="Hamar har ikke signert tjenestevedlegg for SvarUt"):
        _sign(session, hamar, "1.0")
    _sign(session, oslo, "1.0")
    with pytest.raises(RuleError, match="Oslo har allerede signert versjon 1.0"):
        _sign(session, oslo, "1.0")
    with pytest.raises(ValidationFailed) as bad:
        processing.record_signature(session, OWNER, {"service_code": "svarut", "organisation_id": oslo.id,
                                                     "label": "1.0", "signed_date": "31.02.2024"})
    assert bad.value.errors[0].field == "Signert dato"


def test_own_ros_and_dpia_are_counted_per_organisation_over_its_appendices(session, svarut_users):
    oslo, bergen = svarut_users["0301"], svarut_users["4601"]
    rows = {r["organisation"]: r for r in processing.appendix_rows(session, "svarut")}
    processing.record_own_assessments(session, OWNER, rows["Oslo"]["appendix_id"],
                                      {"own_ros_on": date(2024, 2, 1), "own_dpia_on": "15.03.2024"})
    processing.record_own_assessments(session, OWNER, rows["Bergen"]["appendix_id"], {"own_ros_on": date(2024, 5, 1)})
    counts = adoption.own_assessments_by_service(session)
    assert counts["svarut"] == {"adopters": 3, "ros": 2, "dpia": 1}
    assert counts["digisos"] == {"adopters": 1, "ros": 0, "dpia": 0}
    again = {r["organisation"]: r for r in processing.appendix_rows(session, "svarut")}
    assert again["Oslo"]["own_dpia_on"] == date(2024, 3, 15)
    assert again["Bergen"]["own_ros_on"] == date(2024, 5, 1) and again["Bergen"]["own_dpia_on"] is None
    with pytest.raises(RuleError, match="er fram i tid"):
        processing.record_own_assessments(session, OWNER, rows["Oslo"]["appendix_id"],
                                          {"own_ros_on": TODAY + timedelta(days=3)})
    assert oslo.id != bergen.id


def test_the_overview_and_the_service_sheet_count_them(session, svarut_users):
    _versions(session)
    _sign(session, svarut_users["0301"], "2.0", TODAY)
    rows = {r["organisation"]: r for r in processing.appendix_rows(session, "svarut")}
    processing.record_own_assessments(session, OWNER, rows["Oslo"]["appendix_id"], {"own_ros_on": date(2024, 2, 1)})
    [kpi] = processing.kpis(session, OWNER)
    assert (kpi.label, kpi.value) == ("Mangler signert databehandleravtale", "2")
    facts = {f.label: f.value for f in processing.service_facts(session, "svarut")}
    assert facts["Databehandleravtale"] == f"versjon 2.0 fra {(TODAY - timedelta(days=30)):%d.%m.%Y}, 2 har ikke signert"
    assert facts["Kommunenes egen ROS"] == "1 av 3 (33,3 %)"
    assert facts["Kommunenes egen DPIA"] == "0 av 3 (0,0 %)"
    assert {f.label: f.value for f in processing.service_facts(session, "digisos")}["Databehandleravtale"] == \
        "ikke registrert"


def test_only_the_product_owner_of_the_service_writes_and_every_write_is_audited(session, svarut_users):
    payload = {"service_code": "svarut", "label": "1.0", "valid_from": date(2020, 1, 1)}
    for role in ROLES:
        if role == "product_owner":
            continue
        with pytest.raises(PermissionDenied):
            processing.add_version(session, make_actor(role), payload)
    other = make_actor("product_owner", username="dina", owned=("digisos",))
    with pytest.raises(PermissionDenied, match="svarut"):
        processing.add_version(session, other, payload)
    assert session.scalar(select(DpaVersion.id)) is None
    session.info["actor"] = OWNER
    processing.add_version(session, OWNER, payload)
    with pytest.raises(PermissionDenied):
        _sign(session, svarut_users["0301"], "1.0", actor=other)
    rows = processing.appendix_rows(session, "svarut")
    with pytest.raises(PermissionDenied):
        processing.record_own_assessments(session, make_actor("security"), rows[0]["appendix_id"],
                                          {"own_ros_on": date(2024, 1, 1)})
    _sign(session, svarut_users["0301"], "1.0")
    session.flush()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.table_name.in_(
        ("agreement_dpa_version", "agreement_dpa_signature"))).order_by(AuditEntry.seq)).all()
    assert [(e.table_name, e.action, e.actor) for e in entries] == [
        ("agreement_dpa_version", "insert", "po"), ("agreement_dpa_signature", "insert", "po")]
    assert session.scalar(select(DpaSignature.recorded_by)) == "po"


def test_dpa_resign_command_prints_and_writes_csv(db_url, tmp_path, capsys):
    with db.session_scope() as session:
        for number in ("0301", "4601"):
            org = municipality(session, number)
            sign_main(session, org)
            add_appendix(session, org, "svarut", date(2020, 1, 1))
        _versions(session)
        _sign(session, municipality(session, "0301"), "1.0")
    assert main(["agreements", "dpa-resign", "--service", "svarut"]) == 0
    out = capsys.readouterr()
    assert "Bergen" in out.out and "Oslo" in out.out and "-> 2.0" in out.out
    assert "2 virksomheter må signere databehandleravtale versjon 2.0." in out.err
    target = tmp_path / "signering.csv"
    assert main(["agreements", "dpa-resign", "--service", "svarut", "--csv", str(target)]) == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Organisasjonsnummer", "Virksomhet", "Signert versjon", "Signert dato", "Må signere",
                       "Kontakt-e-post"]
    assert [r[1:5] for r in rows[1:]] == [["Bergen", "", "", "2.0"], ["Oslo", "1.0", "01.06.2022", "2.0"]]
    assert main(["agreements", "dpa-resign", "--service", "digisos"]) == 1
    assert "Digisos har ingen databehandleravtale registrert." in capsys.readouterr().err


def test_the_agreements_page_shows_the_processing_agreement_tab_on_the_demo(demo_url):
    app = render("agreements/pages/agreements.py",
                 make_actor("product_owner", username="produkt", owned=("svarut", "digisos", "minside", "fiks-io")))
    assert not errors_of(app), errors_of(app)
    assert "Databehandleravtale" in [tab.label for tab in app.tabs]
    app.selectbox(key="dpa-service").select("svarut").run()
    assert not errors_of(app), errors_of(app)
    assert any("har ikke signert versjon 2.0" in c.value for c in app.caption)
    leader = render("agreements/pages/adoption.py", make_actor("leader"))
    assert not errors_of(leader), errors_of(leader)
    assert any(c.value.startswith("Egen ROS fullført:") for c in leader.caption)
