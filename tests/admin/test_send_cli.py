"""`backoffice agreements change-requests list|send`: an approved change request sent on to the change board or
a project from the command line, through the same doors as the page (admin/planning.py), read back afterwards."""
from datetime import date

import pytest
from sqlalchemy import select

from admin.changeboard.models import ChangeItem
from admin.cli import main
from agreements import change_requests, councils
from agreements.models import ChangeRequest
from data import db
from data.registers.registry import get_service
from data.registers.users import create_user
from portfolio.models import Demand, ProjectRequest
from tests.admin.test_planning import _project, _request
from tests.agreements.helpers import OWNER


@pytest.fixture
def approved(db_url, system):
    return approve_two(system)


def approve_two(system) -> dict[str, int]:
    """Two SvarUt requests the council approved (planned, with a decision), the open project "SvarUt 3",
    and `kari`, SvarUt's product owner; `lars` owns no service. Returns the requests' ids."""
    with db.session_scope(actor=system) as session:
        varsel = _request(session)
        statistikk = change_requests.save_change_request(session, OWNER, {
            "service_code": "svarut", "title": "Statistikk per avdeling", "submitted_by": "Bergen kommune",
            "submitted_on": date(2025, 2, 1), "status": "assessed", "assessment": "Etterspurt av mange",
            "roadmap_item_id": varsel.roadmap_item_id})
        councils.save_meeting(session, OWNER, "svarut", {
            "meeting_date": date(2025, 6, 11), "title": "Brukerrådsmøte 2/2025",
            "decisions": [{"text": "Planlegges.", "change_request_id": statistikk.id, "new_status": "planned"}]})
        _project(session)
        kari = create_user(session, system, {"username": "kari", "full_name": "Kari Nordmann",
                                             "roles": ["product_owner"]})
        create_user(session, system, {"username": "lars", "full_name": "Lars Holm", "roles": ["product_owner"]})
        get_service(session, "svarut").product_owner_id = kari.id
        return {"varsel": varsel.id, "statistikk": statistikk.id}


def send(*args: str, user: str = "kari") -> int:
    return main(["--as", user, "agreements", "change-requests", "send", *args])


def _sent_to() -> dict[int, str | None]:
    with db.session_scope() as session:
        return dict(session.execute(select(ChangeRequest.id, ChangeRequest.sent_to)).all())


def test_an_approved_request_goes_to_the_change_board_once(approved, capsys):
    varsel = approved["varsel"]
    assert main(["agreements", "change-requests", "list", "--service", "svarut", "--sendable"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed[2:]] == [str(approved["statistikk"]), str(varsel)]  # newest first
    assert "12.03.2025 vedtak 2" in listed[3]                                # the council decision that approved it

    assert send(str(varsel), "--to", "board", "--risk", "3", "--note", "Haster før jul.") == 0
    with db.session_scope() as session:
        item = session.scalars(select(ChangeItem).where(ChangeItem.change_request_id == varsel)).one()
        assert (item.title, item.risk, item.impact, item.status) == ("Varsel ved ulest brev", 3, 2, "new")
        assert item.description.endswith("Haster før jul.")
    assert capsys.readouterr().out.splitlines() == [
        f"Endringsønske #{varsel} «Varsel ved ulest brev» er sendt til endringsrådet: "
        f"EB-{item.id} Varsel ved ulest brev (Ny)."]

    assert send(str(varsel), "--to", "board") == 1                         # sent once
    assert capsys.readouterr().err.startswith(f"Endringsønske #{varsel} «Varsel ved ulest brev» er allerede sendt")
    with db.session_scope() as session:
        assert len(session.scalars(select(ChangeItem).where(ChangeItem.change_request_id == varsel)).all()) == 1
    assert main(["agreements", "change-requests", "list", "--sendable"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:]] == [str(approved["statistikk"])]


def test_an_approved_request_goes_to_a_project_with_an_estimate(approved, capsys):
    statistikk = approved["statistikk"]
    assert send(str(statistikk), "--to", "prosjekt", "--project", "svarut 3", "--role", "developer",
                "--first-month", "2030-02", "--last-month", "2030-03", "--fte", "0,5") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Endringsønske #{statistikk} «Statistikk per avdeling» er sendt til prosjekt: SvarUt 3")
    with db.session_scope() as session:
        link = session.scalars(select(ProjectRequest).where(ProjectRequest.change_request_id == statistikk)).one()
        assert (link.first_month, link.last_month) == (date(2030, 2, 1), date(2030, 3, 1))
        demand = session.scalars(select(Demand).where(Demand.project_id == link.project_id)).all()
        assert sorted(d.month for d in demand) == [date(2030, 2, 1), date(2030, 3, 1)]
    assert _sent_to()[statistikk] == "project"


def test_refusals_are_plain_and_send_nothing(approved, capsys):
    varsel = str(approved["varsel"])
    assert send(varsel, "--to", "somewhere") == 1
    assert capsys.readouterr().err.startswith("«somewhere» er ikke et sted å sende endringsønsker.")
    assert send(varsel, "--to", "board", "--project", "SvarUt 3") == 1
    assert capsys.readouterr().err.startswith("--project brukes ikke når endringsønsket sendes til endringsrådet.")
    assert send(varsel, "--to", "project") == 1
    assert "Oppgi prosjektet med --project (nummer eller navn). Åpne prosjekter: " in capsys.readouterr().err
    assert send(varsel, "--to", "project", "--project", "Ukjent") == 1
    assert "Fant ikke ett åpent prosjekt som heter «Ukjent»." in capsys.readouterr().err
    assert send(varsel, "--to", "board", user="lars") == 1                 # not the product owner of SvarUt
    assert "Ingenting er endret." in capsys.readouterr().err
    assert set(_sent_to().values()) == {None}

    with pytest.raises(SystemExit) as exit_:
        send("tolv", "--to", "board")
    assert exit_.value.code == 2
    assert "«tolv» er ikke et helt tall." in capsys.readouterr().err
