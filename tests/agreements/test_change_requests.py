"""Change requests: status path, roadmap links, reasons for rejection, priorities; roadmap items."""
from datetime import date

import pytest

from agreements import change_requests, roadmap
from agreements.agreements import RuleError
from data.errors import PermissionDenied, ValidationFailed
from tests.agreements.helpers import OWNER, municipality
from tests.conftest import make_actor


def _request(session, **changes):
    payload = {"service_code": "svarut", "organisation_id": municipality(session, "0301").id,
               "title": "Varsel ved ulest brev", "description": "Etter fem dager", "submitted_by": "Kari Nordmann",
               "submitted_on": "05.02.2025"}
    payload.update(changes)
    return payload


def test_status_path_roadmap_link_and_rejection_reason(session):
    item = roadmap.save_roadmap_item(session, OWNER, {"service_code": "svarut", "title": "Varsling", "year": 2025,
                                                      "quarter": 3})
    other = roadmap.save_roadmap_item(session, OWNER, {"service_code": "digisos", "title": "Annet", "year": 2025,
                                                       "quarter": 3})
    request = change_requests.save_change_request(session, OWNER, _request(session))
    assert (request.status, request.submitted_on) == ("new", date(2025, 2, 5))

    def move(status, **changes):
        payload = _request(session, status=status, **changes)
        return change_requests.save_change_request(session, OWNER, payload, request_id=request.id,
                                                   expected_version=request.version)

    with pytest.raises(RuleError) as error:
        move("done", roadmap_item_id=item.id)
    assert error.value.message == ("Status kan ikke endres fra «Ny» til «Gjennomført». Mulige neste steg: "
                                   "Vurdert, Avvist.")
    move("assessed", council_priority=1, assessment="Middels innsats")
    with pytest.raises(RuleError, match="må knyttes til et punkt i veikartet"):
        move("planned", council_priority=1)
    with pytest.raises(RuleError, match="samme tjeneste \\(SvarUt\\)"):
        move("planned", council_priority=1, roadmap_item_id=other.id)
    move("planned", council_priority=1, roadmap_item_id=item.id)
    with pytest.raises(RuleError, match="Skriv en begrunnelse"):
        move("rejected", council_priority=1, roadmap_item_id=item.id)
    move("done", council_priority=1, roadmap_item_id=item.id)
    with pytest.raises(RuleError, match="Mulige neste steg: –"):
        move("assessed", roadmap_item_id=item.id)
    rows = change_requests.change_request_rows(session, "svarut")
    assert rows[0]["roadmap"] == "2025 K3: Varsling" and rows[0]["status"] == "done"
    with pytest.raises(RuleError, match="1 endringsønsker er knyttet"):
        roadmap.delete_roadmap_item(session, OWNER, item.id, expected_version=item.version)


def test_open_requests_by_priority_and_search(session):
    for title, priority in (("A", 2), ("B", 1), ("C", None), ("D", 1)):
        change_requests.save_change_request(session, OWNER, _request(session, title=title, council_priority=priority))
    assert change_requests.open_by_priority(session, "svarut") == [(1, 2), (2, 1), (None, 1)]
    assert [r["title"] for r in change_requests.change_request_rows(session, "svarut")] == ["B", "D", "A", "C"]
    assert [r["title"] for r in change_requests.change_request_rows(session, search="oslo")] == ["B", "D", "A", "C"]
    assert change_requests.change_request_rows(session, "digisos") == []


def test_validation_and_permissions(session):
    with pytest.raises(ValidationFailed) as error:
        change_requests.save_change_request(session, OWNER, _request(session, title="", submitted_on="32.01.2025"))
    fields = {e.field: e.message for e in error.value.errors}
    assert fields["Tittel"] == "Må fylles ut."
    assert fields["Meldt dato"].startswith("«32.01.2025» er ikke en gyldig dato")
    with pytest.raises(PermissionDenied):
        change_requests.save_change_request(session, make_actor("product_owner", owned=("digisos",)),
                                            _request(session))
    with pytest.raises(RuleError, match="kan ikke registreres som «Gjennomført»"):
        change_requests.save_change_request(session, OWNER, _request(session, status="done"))


def test_roadmap_rows_by_quarter(session):
    for title, year, quarter in (("Senere", 2026, 2), ("Først", 2025, 4), ("Midt", 2026, 1)):
        roadmap.save_roadmap_item(session, OWNER, {"service_code": "svarut", "title": title, "year": year,
                                                   "quarter": quarter})
    rows = roadmap.roadmap_rows(session, "svarut")
    assert [(r["quarter_label"], r["title"]) for r in rows] == [("2025 K4", "Først"), ("2026 K1", "Midt"),
                                                                 ("2026 K2", "Senere")]
    with pytest.raises(ValidationFailed):
        roadmap.save_roadmap_item(session, OWNER, {"service_code": "svarut", "title": "X", "year": 2026, "quarter": 5})
