"""NSM basic principles: reference data, assessments, roll-ups, gaps, trend, exports."""
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.excel import read_sheet
from data.i18n import set_language
from risk import exports, nsm
from risk.models import NsmScore, Risk, RosAssessment
from tests.conftest import make_actor

SECURITY = make_actor("security", username="siri")


def test_reference_has_4_categories_21_principles_118_measures():
    assert len(nsm.categories()) == 4
    assert len(nsm.principles()) == 21
    assert len(nsm.measures()) == 118
    ids = [item.id for item in nsm.reference()]
    assert len(ids) == len(set(ids))
    assert ids[:3] == ["1", "1.1", "1.1.1"]
    assert [p.id for p in nsm.principles() if p.parent == "2"] == [f"2.{i}" for i in range(1, 11)]
    assert {p.id for p in nsm.principles() if p.parent == "3"} == {"3.1", "3.2", "3.3", "3.4"}
    known = {i.id for i in nsm.reference()}
    for measure in nsm.measures():            # every measure sits under a principle that exists
        assert measure.parent in known
        assert measure.title_nb and measure.title_en
    # measure numbers run 1..n without holes inside each principle
    for principle in nsm.principles():
        numbers = [int(m.id.rsplit(".", 1)[1]) for m in nsm.measures() if m.parent == principle.id]
        assert numbers == list(range(1, len(numbers) + 1)), principle.id


def test_titles_follow_the_language():
    set_language("en")
    try:
        assert nsm.title("4") == "Respond and recover"
    finally:
        set_language("nb")
    assert nsm.title("4") == "Håndtere og gjenopprette"


def _assessment(session, title="2025", on=date(2025, 11, 1), **extra):
    return nsm.create_assessment(session, SECURITY, {"title": title, "assessed_on": on, **extra})


def test_new_assessment_has_a_row_per_measure(session):
    assessment = _assessment(session, default_target=4)
    rows = nsm.score_rows(session, assessment.id)
    assert len(rows) == 118
    assert all(r["level"] is None and r["target"] == 4 for r in rows)
    assert rows[0]["measure_id"] == "1.1.1" and rows[-1]["measure_id"] == "4.4.3"


def test_rollups_on_a_small_hand_made_assessment(session):
    assessment = _assessment(session)
    nsm.update_scores(session, SECURITY, assessment.id, [
        {"measure_id": "1.1.1", "level": 1, "target": 3},
        {"measure_id": "1.1.2", "level": 2, "target": 3},
        {"measure_id": "1.2.1", "level": 4, "target": 3},
        {"measure_id": "2.6.3", "level": 0, "target": 5, "evidence": "Ingen MFA"},
        {"measure_id": "2.6.4", "level": 5, "target": 4},
    ])
    result = nsm.results(session, assessment.id)
    principles = {p["id"]: p for p in result["principles"]}
    # 1.1 has five measures, two scored: (1 + 2) / 2
    assert principles["1.1"]["average"] == 1.5
    assert principles["1.1"]["scored"] == 2 and principles["1.1"]["unscored"] == 3
    assert principles["1.1"]["below_target"] == 2
    assert principles["1.2"]["average"] == 4
    assert principles["2.6"]["average"] == 2.5
    assert principles["2.6"]["below_target"] == 1
    assert principles["3.1"]["average"] is None
    categories = {c["id"]: c for c in result["categories"]}
    assert categories["1"]["average"] == pytest.approx(7 / 3, abs=0.01)        # 1, 2, 4
    assert categories["2"]["average"] == 2.5
    assert categories["4"]["scored"] == 0
    assert result["overall"] == 2.4                                         # 12 / 5
    gaps = nsm.gaps(session, assessment.id)
    assert [g["measure_id"] for g in gaps] == ["2.6.3", "1.1.1", "1.1.2"]
    assert gaps[0]["gap"] == 5 and gaps[0]["evidence"] == "Ingen MFA"
    assert nsm.category_averages(session, assessment.id)["1"] == pytest.approx(2.33, abs=0.01)


def test_trend_and_comparison_between_two_assessments(session):
    first = _assessment(session, "2025", date(2025, 11, 1))
    nsm.update_scores(session, SECURITY, first.id, [{"measure_id": m, "level": 2, "target": 3}
                                                    for m in nsm.measure_ids()])
    second = _assessment(session, "2026", date(2026, 11, 1), copy_from_id=first.id)
    # copied from last year
    assert {r["level"] for r in nsm.score_rows(session, second.id)} == {2}
    nsm.update_scores(session, SECURITY, second.id, [{"measure_id": m, "level": 3, "target": 3}
                                                     for m in nsm.measure_ids() if m.startswith("3.")])
    assert nsm.previous_assessment_id(session, second.id) == first.id
    compared = {r["id"]: r for r in nsm.comparison(session, second.id)}
    assert compared["3"]["previous"] == 2 and compared["3"]["average"] == 3 and compared["3"]["change"] == 1
    assert compared["3.2"]["change"] == 1
    assert compared["1"]["change"] == 0
    trend = nsm.trend(session)
    assert [(r["assessment"], r["category_id"], r["average"]) for r in trend if r["category_id"] == "3"] == [
        ("2025", "3", 2), ("2026", "3", 3)]
    kpis = nsm.kpis(session, SECURITY)
    assert kpis[2].label == "NSM 3 Oppdage"
    assert kpis[2].value == "3,0 av 5"
    assert kpis[2].delta == "+1,0"


def test_scores_are_all_or_nothing_and_name_the_row(session):
    assessment = _assessment(session)
    with pytest.raises(ValidationFailed) as info:
        nsm.update_scores(session, SECURITY, assessment.id, [
            {"measure_id": "1.1.1", "level": 3},
            {"measure_id": "9.9.9", "level": 3},
            {"measure_id": "1.1.2", "level": 7},
        ])
    message = info.value.message
    assert "Rad 2" in message and "9.9.9" in message
    assert "Rad 3" in message and "level" in message
    assert all(r["level"] is None for r in nsm.score_rows(session, assessment.id))


def test_final_assessments_are_locked(session):
    assessment = _assessment(session)
    with pytest.raises(BackofficeError) as info:
        nsm.set_status(session, SECURITY, assessment.id, "final")
    assert "118 tiltak er ikke vurdert" in info.value.message
    nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": m, "level": 3} for m in nsm.measure_ids()])
    nsm.set_status(session, SECURITY, assessment.id, "final")
    with pytest.raises(BackofficeError) as info:
        nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": "1.1.1", "level": 1}])
    assert "låst" in info.value.message
    with pytest.raises(BackofficeError):
        nsm.delete_assessment(session, SECURITY, assessment.id)
    nsm.set_status(session, SECURITY, assessment.id, "draft")
    assert nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": "1.1.1", "level": 1}]) == 1


def test_only_the_security_officer_writes(session):
    with pytest.raises(PermissionDenied):
        nsm.create_assessment(session, make_actor("leader"), {"title": "X", "assessed_on": date(2026, 1, 1)})
    assessment = _assessment(session)
    with pytest.raises(PermissionDenied):
        nsm.update_scores(session, make_actor("architect"), assessment.id, [{"measure_id": "1.1.1", "level": 5}])
    assert session.query(NsmScore).filter_by(assessment_id=assessment.id, measure_id="1.1.1").one().level is None


def test_excel_export_has_formulas_and_reads_back(session):
    assessment = _assessment(session)
    nsm.update_scores(session, SECURITY, assessment.id, [
        {"measure_id": "2.6.3", "level": 1, "target": 4, "evidence": "=HYPERLINK(\"x\")"}])
    content = exports.nsm_workbook(session, assessment.id)
    headers, rows = read_sheet(content, "Tiltak")
    assert headers[:7] == ["Tiltak nr.", "Tiltak", "Prinsipp", "Kategori", "Nivå", "Mål", "Gap"]
    row = next(values for _, values in rows if values["Tiltak nr."] == "2.6.3")
    assert row["Nivå"] == 1 and row["Mål"] == 4
    assert row["Dokumentasjon"] == "=HYPERLINK(\"x\")"        # user text kept as text, not run
    sheet = load_workbook(io.BytesIO(content))["Tiltak"]
    assert str(sheet["G2"].value).startswith("=IF(")
    gap_headers, gap_rows = read_sheet(content, "Gap")
    assert [values["Tiltak nr."] for _, values in gap_rows] == ["2.6.3"]
    # edit in Excel and read back
    parsed = nsm.read_assessment_sheet(content)
    assert len(parsed) == 118
    for item in parsed:
        if item["measure_id"] == "1.1.1":
            item["level"] = 4
    assert nsm.update_scores(session, SECURITY, assessment.id, parsed) == 1
    assert nsm.score_rows(session, assessment.id)[0]["level"] == 4


def test_a_gap_becomes_a_risk_in_the_department_ros(session):
    assessment = _assessment(session)
    nsm.update_scores(session, SECURITY, assessment.id, [
        {"measure_id": "2.6.4", "level": 1, "target": 4, "evidence": "MFA bare for admin"},
        {"measure_id": "1.1.1", "level": 3, "target": 3}])
    deadline = date.today() + timedelta(days=120)
    risk_id = nsm.gap_to_department_risk(session, SECURITY, assessment.id, "2.6.4",
                                         {"owner": "IT-sjef", "deadline": deadline})
    risk = session.get(Risk, risk_id)
    ros_assessment = session.get(RosAssessment, risk.assessment_id)
    assert ros_assessment.scope == "department"
    assert risk.title.startswith("NSM 2.6.4:")
    assert risk.owner == "IT-sjef" and risk.due_date == deadline
    assert "MFA bare for admin" in risk.vulnerability
    assert nsm.gaps(session, assessment.id)[0]["ros_risk_id"] == risk_id
    with pytest.raises(BackofficeError) as info:
        nsm.gap_to_department_risk(session, SECURITY, assessment.id, "2.6.4", {"owner": "X", "deadline": deadline})
    assert str(risk_id) in info.value.message
    with pytest.raises(BackofficeError) as info:       # at target: no gap to carry
        nsm.gap_to_department_risk(session, SECURITY, assessment.id, "1.1.1", {"owner": "X", "deadline": deadline})
    assert "ikke under målet" in info.value.message
    # a second gap lands in the same department ROS
    nsm.update_scores(session, SECURITY, assessment.id, [{"measure_id": "3.2.2", "level": 0, "target": 3}])
    second = nsm.gap_to_department_risk(session, SECURITY, assessment.id, "3.2.2", {"owner": "X", "deadline": deadline})
    assert session.get(Risk, second).assessment_id == ros_assessment.id
    with pytest.raises(PermissionDenied):
        nsm.gap_to_department_risk(session, make_actor("leader"), assessment.id, "3.2.2",
                                   {"owner": "X", "deadline": deadline})
