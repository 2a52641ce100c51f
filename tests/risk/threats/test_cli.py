"""`backoffice risk threats import|export|generate|list|excel` and `backoffice risk nsm list|export`."""
import json

from admin.cli import main
from data import db
from risk.threats import modelling as threats


def test_import_export_round_trip_from_the_command_line(db_url, shared_data, tmp_path, capsys):
    source = shared_data / "threat-dragon" / "v2-threat-model.json"
    assert main(["risk", "threats", "import", str(source), "--service", "svarut", "--generate"]) == 0
    out = capsys.readouterr().out
    assert "svarut: 7 elementer, 10 dataflyter, 3 tillitsgrenser og 14 trusler importert" in out
    assert "nye trusler" in out
    target = tmp_path / "svarut.json"
    assert main(["risk", "threats", "export", str(target), "--service", "svarut"]) == 0
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["summary"]["title"] == "Demo Threat Model"
    assert main(["risk", "threats", "import", str(target), "--service", "digisos"]) == 0
    with db.session_scope() as session:
        assert len(threats.model_detail(session, "digisos")["threats"]) == \
            len(threats.model_detail(session, "svarut")["threats"])
    assert main(["risk", "threats", "list", "--service", "svarut", "--open"]) == 0
    assert "Åpen" in capsys.readouterr().out
    excel = tmp_path / "trusler.xlsx"
    assert main(["risk", "threats", "excel", str(excel)]) == 0
    assert excel.read_bytes()[:2] == b"PK"


def test_errors_exit_1_with_a_plain_message(db_url, tmp_path, capsys):
    assert main(["risk", "threats", "import", str(tmp_path / "missing.json"), "--service", "svarut"]) == 1
    assert "Kan ikke lese" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert main(["risk", "threats", "import", str(bad), "--service", "svarut"]) == 1
    assert "Threat Dragon" in capsys.readouterr().err
    assert main(["risk", "threats", "export", str(tmp_path / "x.json"), "--service", "minside"]) == 1
    assert "ingen trusselmodell" in capsys.readouterr().err


def test_nsm_list_and_export(db_url, tmp_path, capsys):
    from datetime import date

    from data.access import system_actor
    from risk import nsm

    with db.session_scope(actor=system_actor("t")) as session:
        assessment = nsm.create_assessment(session, system_actor("t"), {"title": "Vurdering 2026",
                                                                        "assessed_on": date(2026, 3, 1)})
        assessment_id = assessment.id
    assert main(["risk", "nsm", "list"]) == 0
    assert "Vurdering 2026" in capsys.readouterr().out
    target = tmp_path / "nsm.xlsx"
    assert main(["risk", "nsm", "export", str(assessment_id), str(target)]) == 0
    assert target.stat().st_size > 5000


def test_the_import_report_names_acceptances_left_to_the_leader(db_url, shared_data, tmp_path, capsys):
    from tests.risk.threats.test_threatdragon import _with_accepted

    source = tmp_path / "demo.json"
    source.write_text(json.dumps(_with_accepted(shared_data)), encoding="utf-8")
    assert main(["users", "add", "siri", "--role", "security", "--password", "et-langt-passord"]) == 0
    assert main(["--as", "siri", "users", "set-password", "siri", "--password", "et-eget-langt-passord"]) == 0
    capsys.readouterr()
    assert main(["--as", "siri", "risk", "threats", "import", str(source), "--service", "svarut"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [
        "2 trusler er merket «Akseptert» i filen, men er lagret som «Åpen». Bare avdelingslederen kan akseptere "
        "en trussel, så lederen må ta stilling til aksept her i appen:",
        "  - «Credential theft» på «Database» i modellen «Demo Threat Model»",
        "  - «Message tampering» på «Message Queue» i modellen «Demo Threat Model»"]
    # the local operator holds the leader's role too: its import keeps the file's acceptances
    assert main(["risk", "threats", "import", str(source), "--service", "digisos"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    with db.session_scope() as session:
        accepted = {code: sorted(th["title"] for th in threats.model_detail(session, code)["threats"]
                                 if th["status"] == "accepted") for code in ("svarut", "digisos")}
    assert accepted == {"svarut": [], "digisos": ["Credential theft", "Message tampering"]}
