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
    assert main(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "kari" in listing and "finance,leader" in listing
    assert main(["users", "add", "kari", "--role", "finance"]) == 1
    assert "allerede i bruk" in capsys.readouterr().err
    assert main(["--as", "kari", "users", "deactivate", "kari"]) == 1
    assert "Du har ikke tilgang til å endre brukere og roller" in capsys.readouterr().err
    assert main(["users", "deactivate", "kari"]) == 0
    assert main(["users", "set-password", "kari", "--password", "kort"]) == 1
    assert "minst 10 tegn" in capsys.readouterr().err


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
        assert "Første administrator er opprettet" in out
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
