import io
import re
import sys

from sqlalchemy import text

from admin.cli import main
from data import db


def test_demo_reset_then_audit_verify_and_tamper(fresh_db_url, capsys):
    assert main(["demo", "--reset"]) == 0
    out = capsys.readouterr().out
    assert "Demodata er lastet" in out and "produkt" in out and "demo-passord" in out
    assert main(["audit", "verify"]) == 0
    assert "Revisjonsloggen er urørt" in capsys.readouterr().out

    with db.engine().begin() as connection:
        connection.execute(text("UPDATE audit_log SET changes = '{}' WHERE seq = 3"))
    assert main(["audit", "verify"]) == 1
    assert "rad 3 stemmer ikke" in capsys.readouterr().err
    assert main(["--lang", "en", "audit", "verify"]) == 1
    assert "entry 3 does not match" in capsys.readouterr().err


def test_users_commands(db_url, capsys):
    assert main(["users", "add", "kari", "--role", "finance", "--role", "leader", "--name", "Kari Nordmann",
                 "--password", "et-langt-passord"]) == 0
    assert "kari må bytte passordet ved første innlogging" in capsys.readouterr().out
    assert main(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "kari" in listing and "finance,leader" in listing
    assert main(["users", "add", "kari", "--role", "finance"]) == 1
    assert "allerede i bruk" in capsys.readouterr().err
    assert main(["--as", "kari", "users", "set-password", "kari", "--password", "et-eget-langt-passord"]) == 0
    capsys.readouterr()
    assert main(["--as", "kari", "users", "deactivate", "kari"]) == 1
    assert "Du har ikke tilgang til å endre brukere og roller" in capsys.readouterr().err
    assert main(["users", "deactivate", "kari"]) == 0
    assert main(["users", "set-password", "kari", "--password", "kort"]) == 1
    assert "minst 12 tegn" in capsys.readouterr().err
    assert main(["users", "set-password", "kari", "--password", "QWERTYUIOP123"]) == 1
    assert "Passordet er for vanlig" in capsys.readouterr().err


MUST_CHANGE = ("Brukeren kari har et engangspassord som må byttes før brukeren kan brukes. Logg inn i appen og bytt "
               "det, eller sett et nytt selv: backoffice --as kari users set-password kari")


def test_as_a_user_with_a_one_time_password_is_refused_until_it_is_changed(db_url, capsys):
    assert main(["users", "add", "kari", "--role", "finance"]) == 0
    out = capsys.readouterr().out
    one_time = re.search(r"Passord: (\S+)", out).group(1)
    assert "kari må bytte passordet ved første innlogging" in out
    assert main(["--as", "kari", "users", "list"]) == 1
    assert capsys.readouterr().err.strip() == MUST_CHANGE
    assert main(["--as", "kari", "users", "set-password", "ada", "--password", "et-annet-passord"]) == 1
    assert capsys.readouterr().err.strip() == MUST_CHANGE
    assert main(["--as", "kari", "users", "set-password", "kari", "--password", one_time]) == 1
    assert "Det nye passordet må være et annet enn det du har nå." in capsys.readouterr().err
    assert main(["--as", "kari", "users", "set-password", "kari", "--password", "et-eget-langt-passord"]) == 0
    assert "Nytt passord er satt for kari." in capsys.readouterr().out
    assert main(["--as", "kari", "users", "list"]) == 0
    assert main(["users", "set-password", "kari"]) == 0  # reset by the operator: a new one-time password
    assert "kari må bytte passordet ved første innlogging" in capsys.readouterr().out
    assert main(["--as", "kari", "users", "list"]) == 1


def test_import_ssb_from_cli(db_url, tmp_path, capsys):
    good = tmp_path / "klass.csv"
    good.write_text("code;name\n0301;Oslo\n4601;Bergen\n", encoding="utf-8")
    assert main(["orgs", "import-ssb", str(good)]) == 0
    assert "0 nye, 0 oppdatert, 2 uendret" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("code;name\n0301;Oslo\nabcd;X\n", encoding="utf-8")
    assert main(["orgs", "import-ssb", str(bad)]) == 1
    assert "Rad 3, felt «code»" in capsys.readouterr().err


def test_db_status_and_upgrade_on_a_new_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite'}")
    db.reset()
    try:
        assert main(["db", "status"]) == 1
        assert "backoffice db upgrade" in capsys.readouterr().out
        assert main(["db", "upgrade"]) == 0
        out = capsys.readouterr().out
        assert "Første administrator er opprettet" in out and "må byttes ved første innlogging" in out
        assert main(["--as", "admin", "users", "list"]) == 1
        assert "Brukeren admin har et engangspassord som må byttes" in capsys.readouterr().err
        assert main(["--as", "admin", "users", "set-password", "admin", "--password", "et-eget-langt-passord"]) == 0
        assert main(["--as", "admin", "users", "list"]) == 0
        capsys.readouterr()
        assert "Referansedata lagt til: 15 fylker, 371 virksomheter, 14 tjenester, 7 komponenter." in out
        assert main(["db", "status"]) == 0
        assert main(["db", "upgrade"]) == 0
        assert "Første administrator" not in capsys.readouterr().out
    finally:
        db.reset()


def test_backup_and_restore_commands(fresh_db_url, tmp_path, capsys):
    target = tmp_path / "backup.dump"
    assert main(["backup", str(target)]) == 0
    assert main(["restore", str(target), "--yes"]) == 0
    assert main(["audit", "verify"]) == 0


PASSWORD = "Fjordhest-gran-lyng-42"
OWN_PASSWORD = "Tindevegg-blåbær-7731"


def _add_user(username: str, *roles: str) -> None:
    """A user who has replaced the one-time password, so that `--as` may act as them."""
    role_args = [arg for role in roles for arg in ("--role", role)]
    assert main(["users", "add", username, *role_args, "--password", PASSWORD]) == 0
    assert main(["--as", username, "users", "set-password", username, "--password", OWN_PASSWORD]) == 0


def _usernames(capsys) -> list[str]:
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    return [line.split()[0] for line in capsys.readouterr().out.splitlines() if line.strip()]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_restore_without_yes_refuses_when_stdin_is_not_a_terminal(fresh_db_url, tmp_path, monkeypatch, capsys):
    target = tmp_path / "backup.sqlite"
    assert main(["backup", str(target)]) == 0
    assert main(["users", "add", "kari", "--role", "finance", "--password", PASSWORD]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("j\n"))  # piped: nobody could have answered
    capsys.readouterr()
    assert main(["restore", str(target)]) == 1
    err = capsys.readouterr().err
    assert "må bekreftes" in err and "--yes" in err and "Ingenting er endret" in err
    assert "kari" in _usernames(capsys)
    assert main(["restore", str(target), "--yes"]) == 0
    assert "kari" not in _usernames(capsys)


def test_restore_asks_at_a_terminal_and_a_no_changes_nothing(fresh_db_url, tmp_path, monkeypatch, capsys):
    target = tmp_path / "backup.sqlite"
    assert main(["backup", str(target)]) == 0
    assert main(["users", "add", "kari", "--role", "finance", "--password", PASSWORD]) == 0
    monkeypatch.setattr(sys, "stdin", _Terminal())
    questions = []
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or "n")
    capsys.readouterr()
    assert main(["restore", str(target)]) == 1
    assert "Gjenopprettingen er avbrutt. Ingenting er endret." in capsys.readouterr().err
    assert len(questions) == 1 and "erstatter alt i databasen" in questions[0]
    assert "kari" in _usernames(capsys)
    monkeypatch.setattr("builtins.input", lambda prompt: "j")
    assert main(["restore", str(target)]) == 0
    assert "kari" not in _usernames(capsys)


def test_restore_refuses_an_empty_file_and_audit_verify_still_works(fresh_db_url, tmp_path, capsys):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    users = _usernames(capsys)
    assert main(["restore", str(empty), "--yes"]) == 1
    assert "er ikke en sikkerhetskopi" in capsys.readouterr().err
    assert _usernames(capsys) == users
    assert main(["audit", "verify"]) == 0
    assert "Revisjonsloggen er urørt" in capsys.readouterr().out


def test_backup_restore_and_demo_reset_with_as_need_an_administrator(fresh_db_url, tmp_path, capsys):
    target = tmp_path / "backup.sqlite"
    assert main(["backup", str(target)]) == 0
    _add_user("kari", "finance", "leader")
    _add_user("ada", "admin")
    users = _usernames(capsys)

    assert main(["--as", "kari", "backup", str(tmp_path / "kari.sqlite")]) == 1
    assert "Du har ikke tilgang til å ta sikkerhetskopi av databasen" in capsys.readouterr().err
    assert not (tmp_path / "kari.sqlite").exists()
    assert main(["--as", "kari", "restore", str(target), "--yes"]) == 1
    assert "Du har ikke tilgang til å gjenopprette databasen" in capsys.readouterr().err
    assert main(["--as", "kari", "demo", "--reset"]) == 1
    assert "Du har ikke tilgang til å slette alt i databasen" in capsys.readouterr().err
    assert _usernames(capsys) == users
    assert main(["audit", "verify"]) == 0

    assert main(["--as", "ada", "backup", str(tmp_path / "ada.sqlite")]) == 0
    assert (tmp_path / "ada.sqlite").stat().st_size > 0
    assert main(["--as", "ada", "restore", str(target), "--yes"]) == 0
    assert "kari" not in _usernames(capsys)


def test_as_refuses_a_deactivated_or_unknown_user(fresh_db_url, tmp_path, capsys):
    _add_user("ada", "admin")
    _add_user("kari", "finance")
    assert main(["--as", "ada", "users", "list"]) == 0
    assert main(["users", "deactivate", "ada"]) == 0
    capsys.readouterr()
    assert main(["--as", "ada", "backup", str(tmp_path / "ada.sqlite")]) == 1
    assert "Brukeren «ada» er deaktivert" in capsys.readouterr().err
    assert not (tmp_path / "ada.sqlite").exists()
    assert main(["--as", "ada", "users", "deactivate", "kari"]) == 1
    assert "Brukeren «ada» er deaktivert" in capsys.readouterr().err
    assert "kari" in _usernames(capsys)
    assert main(["--as", "ada", "demo", "--reset"]) == 1
    assert "Brukeren «ada» er deaktivert" in capsys.readouterr().err
    assert main(["--as", "ingen", "backup", str(tmp_path / "ingen.sqlite")]) == 1
    assert "Fant ingen bruker «ingen»" in capsys.readouterr().err
    assert main(["--lang", "en", "--as", "ada", "users", "list"]) == 1
    assert "The user “ada” is deactivated" in capsys.readouterr().err
