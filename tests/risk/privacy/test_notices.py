"""The breach notices (Markdown, printable HTML, mail-merge CSV) and the risk notices to the municipalities."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied
from risk import matrix as matrices
from risk.models import Risk, RosAssessment
from risk.privacy import breaches, exports, notices
from risk.privacy.models import RiskNotice
from tests.conftest import make_actor
from tests.risk.privacy.helpers import appendix, incident, municipality

OFFICER = make_actor("security", username="siri")
AWARE = datetime(2026, 3, 1, 9, 15, tzinfo=UTC)


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def breach(session):
    oslo, bergen = municipality(session, "0301"), municipality(session, "4601")
    oslo.contact_email = "postmottak@oslo.example"
    appendix(session, oslo, "svarut", date(2020, 1, 1))
    appendix(session, bergen, "svarut", date(2021, 6, 1))
    return breaches.mark_breach(session, OFFICER, {
        "ticket_id": incident(session).id, "aware_at": AWARE, "title": "Brev til feil mottaker",
        "what_happened": "=HYPERLINK(\"http://x\") <script>alert(1)</script>", "subjects_approx": 1400,
        "subject_categories": "Innbyggere", "measures_taken": "+Rullet tilbake", "notify_within_hours": 12})


def test_each_controller_gets_a_prefilled_notice_in_bokmal(session, breach):
    oslo = municipality(session, "0301")
    text = exports.breach_notice_markdown(session, breach.id, oslo.id)
    assert text.startswith("# Melding om brudd på personopplysningssikkerheten – SvarUt\n")
    assert f"Til: Oslo (org.nr. {oslo.org_number or '–'}), postmottak@oslo.example" in text
    assert "Vi ble kjent med bruddet 1. mars 2026 kl. 10:15." in text
    assert "- Omtrentlig antall registrerte: 1\u00a0400" in text
    assert "- Omtrentlig antall registreringer: ikke kjent ennå" in text
    assert "Vår egen frist for å varsle dere var 1. mars 2026 kl. 22:15 (12 timer etter" in text
    assert "artikkel 33 nr. 1" in text and "artikkel 33 nr. 2" in text
    with pytest.raises(BackofficeError, match="står ikke på listen"):
        exports.breach_notice_markdown(session, breach.id, municipality(session, "5001").id)


def test_printable_html_escapes_user_text_one_page_per_controller(session, breach):
    page = exports.breach_notices_html(session, breach.id)
    assert page.count("<section>") == 2
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<html lang='nb'>" in page


def test_mail_merge_csv_is_formula_safe(session, breach):
    rows = _csv(exports.breach_mailmerge_csv(session, breach.id))
    header, lines = rows[0], rows[1:]
    assert header[:5] == ["Organisasjonsnummer", "Virksomhet", "Kommunenummer", "E-post", "Referanse"]
    assert [line[2] for line in lines] == ["4601", "0301"]            # by name: Bergen, Oslo
    column = {name: i for i, name in enumerate(header)}
    oslo = lines[1]
    assert oslo[column["Hva har skjedd"]].startswith("'=HYPERLINK(")
    assert oslo[column["Tiltak"]] == "'+Rullet tilbake"
    assert oslo[column["Frist for varsel"]] == "1. mars 2026 kl. 22:15"
    assert oslo[column["Status"]] == "Varsel over fristen"


def test_the_notice_files_for_the_command_line(session, breach):
    files = exports.breach_notice_files(session, breach.id)
    assert len(files) == 4                        # two notices, the HTML and the CSV
    assert f"{breach.reference}-varsler.html" in files and f"{breach.reference}-flettefil.csv" in files
    assert sum(1 for name in files if name.endswith(".md")) == 2


# --- risk notices -------------------------------------------------------------------------------------------


def _assessment(session, revision: int, status: str, series_id: int | None, risks: list[tuple]) -> RosAssessment:
    matrix = matrices.current_matrix(session)
    assessment = RosAssessment(scope="service", service_code="svarut", title="ROS SvarUt", revision=revision,
                               series_id=series_id, status=status, matrix_id=matrix.id, assessed_on=date(2026, 1, 1),
                               is_current=status == "approved",
                               approved_at=datetime(2026, revision, 1, 12, tzinfo=UTC), approved_by="Lise Leder")
    session.add(assessment)
    session.flush()
    assessment.series_id = series_id or assessment.id
    for key, title, level, above, action, consequence in risks:
        session.add(Risk(assessment_id=assessment.id, key=key, title=title, inherent_likelihood=3,
                         inherent_consequences={"privacy": 3}, current_level=level, above_acceptance=above,
                         municipality_action=action, consequence=consequence))
    session.flush()
    session.refresh(assessment)
    return assessment


@pytest.fixture
def two_versions(session):
    first = _assessment(session, 1, "superseded", None, [
        ("R-01", "Brev til feil mottaker", "yellow", False, "", "Feil person leser brevet"),
        ("R-02", "Printleverandør ser innholdet", "red", True, "Informer om avtalen", "Innsyn"),
        ("R-03", "Tjenesten nede", "red", True, "", "Frister ryker"),
        ("R-05", "Gammel risiko", "red", True, "", ""),
    ])
    second = _assessment(session, 2, "approved", first.series_id, [
        ("R-01", "Brev til feil mottaker", "red", True, "Kontroller mottaker før sending", "Feil person leser brevet"),
        ("R-02", "Printleverandør ser innholdet", "red", True, "Informer om avtalen og kryptering", "Innsyn"),
        ("R-03", "Tjenesten nede", "green", False, "", "Frister ryker"),
        ("R-04", "Phishing", "red", True, "Informer innbyggerne", "BankID-opplysninger på avveie"),
    ])
    for number in ("0301", "4601"):
        appendix(session, municipality(session, number), "svarut", date(2020, 1, 1))
    appendix(session, municipality(session, "5001"), "svarut", date(2020, 1, 1), date(2021, 1, 1))   # ended
    return first, second


def test_risk_changes_between_the_two_approved_versions(session, two_versions):
    first, second = two_versions
    changes = notices.risk_changes(session, "svarut")
    assert (changes["revision"], changes["previous_revision"], changes["assessment_id"]) == (2, 1, second.id)
    assert [r["key"] for r in changes["new"]] == ["R-04"]
    assert [(r["key"], r["before_level"], r["level"], r["now_above"]) for r in changes["changed"]] == [
        ("R-01", "yellow", "red", True), ("R-02", "red", "red", False)]
    assert [(r["key"], r.get("removed", False)) for r in changes["below"]] == [("R-03", False), ("R-05", True)]
    assert [(r["key"], r["state"]) for r in changes["actions"]] == [("R-01", "new"), ("R-02", "changed"),
                                                                    ("R-04", "new")]
    text = exports.risk_notice_markdown(changes, "Ring oss ved spørsmål.")
    assert "## Nye risikoer over akseptgrensen\n\n- R-04 Phishing: risikonivå høy (rød)." in text
    assert "- R-01 Brev til feil mottaker: er nå over akseptgrensen, risikonivå middels (gul) før, høy (rød) nå." in text
    assert "- R-05 Gammel risiko: tatt ut av vurderingen." in text
    assert "- R-02 Printleverandør ser innholdet (endret): Informer om avtalen og kryptering" in text
    assert "## Kommentar fra produkteier\n\nRing oss ved spørsmål." in text


def test_sending_stores_the_notice_with_its_recipients_once(session, two_versions):
    owner = make_actor("product_owner", username="per", owned=("svarut",))
    notice = notices.send_risk_notice(session, owner, {"service_code": "svarut", "note": "Se vedlegg."})
    recipients = notices.recipient_rows(session, notice.id)
    assert sorted(r["municipality_number"] for r in recipients) == ["0301", "4601"]   # Trondheim's has ended
    assert (notice.revision, notice.sent_by, notice.summary["new"][0]["key"]) == (2, "per", "R-04")
    [row] = notices.notice_rows(session, "svarut")
    assert (row["recipients"], row["revision"]) == (2, 2)
    with pytest.raises(BackofficeError, match="versjon 2 ble allerede sendt"):
        notices.send_risk_notice(session, owner, {"service_code": "svarut"})
    files = exports.risk_notice_files(session, "svarut", notice.id)
    assert sorted(files) == ["risikovarsel-svarut-v2-mottakere.csv", "risikovarsel-svarut-v2.html",
                             "risikovarsel-svarut-v2.md"]
    assert len(_csv(files["risikovarsel-svarut-v2-mottakere.csv"])) == 3
    facts = {f.label: f.value for f in notices.service_facts(session, "svarut")}
    assert facts == {"Risikovarsel til kommunene": f"Sendt {notice.sent_at:%d.%m.%Y} (ROS-versjon 2) til 2 virksomheter"}


@pytest.mark.parametrize(("actor", "allowed"), [
    (make_actor("product_owner", username="per", owned=("svarut",)), True),
    (make_actor("security", username="siri"), True),
    (make_actor("product_owner", username="dina", owned=("digisos",)), False),
    (make_actor("leader"), False), (make_actor("finance"), False), (make_actor("support"), False),
    (make_actor("admin"), False), (make_actor("architect"), False), (make_actor("portfolio"), False),
])
def test_who_may_send_a_risk_notice(session, two_versions, actor, allowed):
    if allowed:
        assert notices.send_risk_notice(session, actor, {"service_code": "svarut"}).id
    else:
        with pytest.raises(PermissionDenied):
            notices.send_risk_notice(session, actor, {"service_code": "svarut"})
        assert session.scalar(select(RiskNotice.id)) is None


def test_no_approved_ros_no_notice_and_the_fact_says_so(session, two_versions):
    with pytest.raises(BackofficeError, match="Digisos har ingen godkjent ROS"):
        notices.send_risk_notice(session, OFFICER, {"service_code": "digisos"})
    facts = {f.label: f.value for f in notices.service_facts(session, "svarut")}
    assert facts == {"Risikovarsel ikke sendt": "ROS-versjon 2 er godkjent, men ikke delt med kommunene"}
    assert notices.service_facts(session, "digisos") == []


def test_first_approved_version_lists_every_risk_above_the_line(session):
    _assessment(session, 1, "approved", None, [("R-01", "Brudd", "red", True, "Gjør noe", ""),
                                                ("R-02", "Lav", "green", False, "", "")])
    changes = notices.risk_changes(session, "svarut")
    assert changes["previous_revision"] is None
    assert [r["key"] for r in changes["new"]] == ["R-01"]
    assert "(første godkjente versjon)" in exports.risk_notice_markdown(changes)
    appendix(session, municipality(session, "0301"), "svarut", date(2020, 1, 1), datetime.now(UTC).date()
             - timedelta(days=1))
    with pytest.raises(BackofficeError, match="Ingen virksomheter har tjenestevedlegg for SvarUt i dag"):
        notices.send_risk_notice(session, OFFICER, {"service_code": "svarut"})


def test_a_sent_risk_notice_is_in_the_audit_log(session, two_versions):
    owner = make_actor("product_owner", username="per", owned=("svarut",))
    session.info["actor"] = owner
    notice = notices.send_risk_notice(session, owner, {"service_code": "svarut"})
    session.flush()
    entries = session.execute(select(AuditEntry.table_name, AuditEntry.action, AuditEntry.actor, AuditEntry.row_id)
                              .where(AuditEntry.table_name.like("privacy_risk_notice%"))).all()
    assert ("privacy_risk_notice", "insert", "per", str(notice.id)) in entries
    assert sum(1 for e in entries if e[0] == "privacy_risk_notice_recipient") == 2
