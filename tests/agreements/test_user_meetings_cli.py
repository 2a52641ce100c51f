"""`backoffice agreements user-meetings list|add|record`: the real commands through the CLI entry point, on a
real database, over the same functions the council page calls (agreements/meetings.py), read back afterwards."""
from datetime import date

import pytest
from sqlalchemy import select

from admin.cli import main
from agreements.models import UserMeeting
from data import db
from data.registers.registry import get_service
from data.registers.users import create_user
from tests.agreements.helpers import add_appendix, count, municipality, sign_main


@pytest.fixture
def svarut(db_url, system):
    """Ålesund, Tromsø and Bærum with SvarUt appendices in force; `kari` owns SvarUt, `lars` owns nothing.
    Returns Tromsø's organisation number."""
    with db.session_scope(actor=system) as session:
        for number in ("1508", "5501", "3201"):
            org = municipality(session, number)
            sign_main(session, org)
            add_appendix(session, org, "svarut", date(2024, 1, 1))
        kari = create_user(session, system, {"username": "kari", "full_name": "Kari Nordmann",
                                             "roles": ["product_owner"]})
        create_user(session, system, {"username": "lars", "full_name": "Lars Holm", "roles": ["product_owner"]})
        get_service(session, "svarut").product_owner_id = kari.id
        return municipality(session, "5501").org_number


def _attendance() -> dict[str, tuple[bool, str]]:
    with db.session_scope() as session:
        meeting = session.scalars(select(UserMeeting)).one()
        return {i.organisation.name: (i.attended, i.representative) for i in meeting.invitees}


def _meetings() -> int:
    with db.session_scope() as session:
        return count(session, UserMeeting)


def um(*args: str) -> int:
    return main(["--as", "kari", "agreements", "user-meetings", *args])


def test_the_product_owner_calls_the_meeting_once_a_year(svarut, capsys):
    assert um("add", "--service", "svarut", "--date", "15.04.2026", "--location", "Teams") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Brukermøtet «Brukermøte SvarUt 2026» 15.04.2026 er kalt inn for SvarUt: 3 virksomheter er invitert."]
    assert _attendance() == {"Ålesund": (False, ""), "Tromsø": (False, ""), "Bærum": (False, "")}

    assert um("add", "--service", "svarut", "--date", "2026-09-01", "--title", "Høstmøte") == 1
    assert capsys.readouterr().err.startswith("SvarUt har allerede et brukermøte i 2026.")
    assert _meetings() == 1

    assert um("list", "--service", "svarut") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Brukermøter for SvarUt, nyeste først (1):",
        "År    Dato        Navn på brukermøtet     Sted   Invitert  Møtte  Valgt",
        "----  ----------  ----------------------  -----  --------  -----  -----",
        "2026  15.04.2026  Brukermøte SvarUt 2026  Teams  3         0      0",
    ]


def test_attendance_and_minutes_are_recorded_by_number_or_name(svarut, tmp_path, capsys):
    assert um("add", "--service", "svarut", "--date", "2026-04-15") == 0
    minutes = tmp_path / "referat.txt"
    minutes.write_text("1. Velkommen\n2. Valg av brukerråd\n", encoding="utf-8")
    capsys.readouterr()
    assert um("record", "--service", "svarut", "--year", "2026", "--attended", "alesund=Åse Ødegård",
              "--attended", svarut, "--minutes-file", str(minutes)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Oppmøtet på «Brukermøte SvarUt 2026» 15.04.2026 er registrert: 2 av 3 virksomheter møtte."]
    assert _attendance() == {"Ålesund": (True, "Åse Ødegård"), "Tromsø": (True, ""), "Bærum": (False, "")}

    assert um("record", "--service", "svarut", "--year", "2026", "--absent", "Tromsø") == 0   # minutes kept
    assert "1 av 3 virksomheter møtte" in capsys.readouterr().out
    assert _attendance()["Tromsø"] == (False, "")
    with db.session_scope() as session:
        assert session.scalars(select(UserMeeting)).one().minutes == "1. Velkommen\n2. Valg av brukerråd"

    assert um("list", "--service", "svarut", "--year", "2026") == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == "Brukermøte SvarUt 2026 (15.04.2026): 3 invitert, 1 møtte."
    assert [line.split()[1] for line in listed[3:]] == ["Bærum", "Tromsø", "Ålesund"]
    assert "ja" in listed[-1] and "Åse Ødegård" in listed[-1]


def test_refusals_are_plain_and_change_nothing(svarut, capsys):
    assert um("add", "--service", "svarut", "--date", "2026-04-15") == 0
    capsys.readouterr()
    assert um("record", "--service", "svarut", "--year", "2026", "--attended", "Ålesund", "--attended", "Oslo") == 1
    assert capsys.readouterr().err.startswith("«Oslo» er ikke invitert til «Brukermøte SvarUt 2026».")
    assert _attendance()["Ålesund"] == (False, "")                       # all or nothing

    assert um("record", "--service", "svarut", "--year", "2025", "--attended", "Ålesund") == 1
    assert capsys.readouterr().err.startswith("SvarUt har ikke noe brukermøte i 2025.")

    assert main(["--as", "lars", "agreements", "user-meetings", "record", "--service", "svarut", "--year", "2026",
                 "--attended", "Ålesund"]) == 1                          # a product owner, but not of SvarUt
    assert "Ingenting er endret." in capsys.readouterr().err
    assert _attendance()["Ålesund"] == (False, "")
    assert main(["--as", "lars", "agreements", "user-meetings", "add", "--service", "svarut",
                 "--date", "2027-04-15"]) == 1
    assert _meetings() == 1

    assert um("add", "--service", "svarut", "--date", "2027-04-15", "--notice-file", "finnes-ikke.txt") == 1
    assert "finnes-ikke.txt" in capsys.readouterr().err
    assert _meetings() == 1

    with pytest.raises(SystemExit) as exit_:
        um("record", "--service", "svarut", "--year", "tjuetjuefem")
    assert exit_.value.code == 2
    assert "«tjuetjuefem» er ikke et helt tall." in capsys.readouterr().err
