"""DPIA: screening at one criterion and at two, the listed processings, access to drafts, approval and
prior consultation, versions."""
import pytest

from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from risk import dpia as dpias
from tests.conftest import make_actor
from tests.risk.ros_helpers import approve_dpia

SECURITY = make_actor("security")
COMPLETE = {"purposes": "Søknad", "data_categories": "Økonomi", "data_subjects": "Søkere", "retention": "90 dager",
            "necessity": "Nødvendig", "conclusion": "Kan gjennomføres", "dpo_opinion": "Støttes",
            "legal_basis_art6": ["c", "e"]}


def test_screening_one_and_two_criteria_and_list():
    one = dpias.screening(["vulnerable"], [])
    assert one["required"] is False and one["criteria_count"] == 1
    assert "Ett kriterium er oppfylt (Opplysninger om sårbare registrerte" in one["reason"]
    two = dpias.screening(["vulnerable", "sensitive"], [])
    assert two["required"] is True and "2 av EDPBs ni kriterier" in two["reason"]
    listed = dpias.screening([], ["location"])
    assert listed["required"] is True and "Lokasjonsdata" in listed["reason"]
    assert dpias.screening([], [])["required"] is False


def test_risk_levels_and_prior_consultation(session):
    item = dpias.create_dpia(session, SECURITY, {"service_code": "digisos", "processing": "Søknad",
                                                 "screening_criteria": ["sensitive", "vulnerable"], **COMPLETE})
    dpias.add_risk(session, SECURITY, item.id, {"description": "Innsyn", "likelihood": 3, "severity": 4,
                                                "residual_likelihood": 2, "residual_severity": 3})
    assert (item.residual_level, item.prior_consultation) == ("medium", False)
    high = dpias.add_risk(session, SECURITY, item.id, {"description": "Profilering", "likelihood": 4, "severity": 4,
                                                       "residual_likelihood": 3, "residual_severity": 3})
    assert (high.key, high.residual_level, item.residual_level, item.prior_consultation) == ("P-02", "high", "high", True)
    dpias.update_risk(session, SECURITY, high.id, {"description": "Profilering", "likelihood": 4, "severity": 4,
                                                   "residual_likelihood": 1, "residual_severity": 3})
    assert (item.residual_level, item.prior_consultation) == ("medium", False)   # worst of 6 (medium) and 3 (low)


def test_draft_readable_only_by_security_and_owner(session):
    item = dpias.create_dpia(session, SECURITY, {"service_code": "minside", "processing": "Innsyn"})
    owner = make_actor("product_owner", owned=("minside",))
    other_owner = make_actor("product_owner", owned=("svarut",))
    assert dpias.get_dpia(session, owner, item.id).processing == "Innsyn"
    for actor in (other_owner, make_actor("leader"), make_actor("support")):
        with pytest.raises(PermissionDenied, match="Utkast til DPIA"):
            dpias.get_dpia(session, actor, item.id)
        assert dpias.dpia_rows(session, actor) == []
    assert [r["processing"] for r in dpias.dpia_rows(session, owner)] == ["Innsyn"]
    with pytest.raises(PermissionDenied):
        dpias.update_dpia(session, owner, item.id, {"service_code": "minside", "processing": "x"})
    dpias.update_dpia(session, SECURITY, item.id, {"service_code": "minside", "processing": "Innsyn", **COMPLETE})
    approve_dpia(session, SECURITY, item.id)
    assert dpias.get_dpia(session, make_actor("support"), item.id).status == "approved"


def test_approval_requires_fields_and_freezes(session):
    item = dpias.create_dpia(session, SECURITY, {"service_code": "digisos", "processing": "Søknad",
                                                 "special_categories": "Helse", "legal_basis_art9": ["h"]})
    with pytest.raises(ValidationFailed) as error:
        dpias.set_status(session, SECURITY, item.id, "in_review")   # an incomplete DPIA cannot be submitted
    assert "dpo_opinion" in error.value.message and "legal_basis_art6" in error.value.message
    assert item.status == "draft"
    with pytest.raises(ValidationFailed, match="artikkel 9"):
        dpias.update_dpia(session, SECURITY, item.id, {"service_code": "digisos", "processing": "Søknad",
                                                       "special_categories": "Helse"})
    dpias.update_dpia(session, SECURITY, item.id, {"service_code": "digisos", "processing": "Søknad",
                                                   "special_categories": "Helse", "legal_basis_art9": ["h"], **COMPLETE})
    approve_dpia(session, SECURITY, item.id)
    with pytest.raises(BackofficeError, match="kan ikke endres"):
        dpias.add_risk(session, SECURITY, item.id, {"description": "x", "likelihood": 1, "severity": 1})
    v2 = dpias.start_revision(session, SECURITY, item.id)
    dpias.update_dpia(session, SECURITY, v2.id, dpias.dpia_payload(v2) | {"retention": "30 dager"})
    changes = dpias.compare(session, SECURITY, item.id, v2.id)
    assert [(c["field"], c["before"], c["after"]) for c in changes] == [("Lagringstid og sletting", "90 dager", "30 dager")]
    assert v2.is_current is False and item.is_current is True
