"""Scoring with the default and a custom matrix, acceptance thresholds, matrix revisions."""
from datetime import date

import pytest

from data.errors import PermissionDenied, ValidationFailed
from risk import matrix as matrices
from risk import ros
from tests.conftest import make_actor
from tests.risk.ros_helpers import new_ros, risk, stage


def test_default_matrix_scores_by_maximum_and_thresholds(session, system):
    m = matrices.current_matrix(session)
    assert (len(m.likelihood_levels), len(m.consequence_levels)) == (5, 5)
    assert m.likelihood_levels[4]["description"] == "Oftere enn én gang i måneden"
    result = matrices.score(m, 3, {"confidentiality": 2, "availability": 4, "privacy": 1})
    assert (result.consequence, result.score, result.level) == (4, 12, "red")
    assert matrices.score(m, 1, {"integrity": 4}).level == "green"      # 4 < 5
    assert matrices.score(m, 1, {"integrity": 5}).level == "yellow"     # 5 = yellow_from
    assert matrices.score(m, 3, {"integrity": 3}).level == "yellow"     # 9 < 10
    assert matrices.score(m, 2, {"integrity": 5}).level == "red"        # 10 = red_from
    assert matrices.acceptable(m, "yellow") and not matrices.acceptable(m, "red")


def test_custom_matrix_mean_rule_and_own_thresholds(session, system):
    payload = {"name": "Liten 4x4", "likelihood_levels": [{"label": f"S{i}"} for i in range(1, 5)],
               "consequence_levels": [{"label": f"K{i}"} for i in range(1, 5)],
               "dimensions": ["confidentiality", "availability"], "combine_rule": "mean",
               "yellow_from": 4, "red_from": 8, "accept_up_to": "green",
               "review_months": {"green": 24, "yellow": 12, "red": 1}}
    custom = matrices.save_matrix(session, make_actor("security"), payload)
    assert custom.is_current and custom.revision == 1
    result = matrices.score(custom, 3, {"confidentiality": 1, "availability": 4})   # mean 2.5 -> 3 (half up)
    assert (result.consequence, result.score, result.level) == (3, 9, "red")
    assert matrices.score(custom, 2, {"confidentiality": 2}).level == "yellow"
    assert not matrices.acceptable(custom, "yellow")
    assert matrices.review_date(custom, "red", date(2026, 1, 31)) == date(2026, 2, 28)
    # an assessment made now uses it, and a risk outside its scales is refused naming the field
    assessment = new_ros(session, system)
    assert assessment.matrix_id == custom.id
    with pytest.raises(ValidationFailed) as error:
        risk(session, system, assessment.id, inherent=stage(5, confidentiality=2, privacy=3))
    message = error.value.message
    assert "inherent.likelihood" in message and "inherent.privacy" in message
    added = risk(session, system, assessment.id, inherent=stage(2, confidentiality=2, availability=2))
    assert (added.current_level, added.above_acceptance) == ("yellow", True)


def test_editing_matrix_keeps_old_assessments_on_their_revision(session, system):
    first = matrices.current_matrix(session)
    assessment = new_ros(session, system)
    r = risk(session, system, assessment.id, inherent=stage(2, confidentiality=3))   # 6: yellow by default
    assert r.current_level == "yellow"
    changed = matrices.default_payload() | {"yellow_from": 8, "red_from": 12}
    second = matrices.save_matrix(session, system, changed)
    assert (second.name, second.revision, second.is_current) == (first.name, 2, True)
    session.refresh(first)
    assert first.is_current is False
    assert ros.get_assessment(session, assessment.id).matrix_id == first.id
    payload = ros.risk_payload(r)
    ros.update_risk(session, system, r.id, payload)
    assert r.current_level == "yellow"   # still scored with the matrix the assessment used


def test_bad_matrix_and_permission(session):
    with pytest.raises(PermissionDenied):
        matrices.save_matrix(session, make_actor("leader"), matrices.default_payload())
    with pytest.raises(ValidationFailed) as error:
        matrices.save_matrix(session, make_actor("security"),
                             matrices.default_payload() | {"yellow_from": 12, "red_from": 10})
    assert "1 ≤ gul < rød ≤ 25" in error.value.message
