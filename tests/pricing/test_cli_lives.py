"""`backoffice prices lives` lists each asset class's longest depreciation period (FOR-2019-06-07-714 § 3-4)
with its source; `... lives set CLASS YEARS --source TEXT` corrects one, through the same capability as the
investments page (`capital.set_class_life`), audited, and refused for a bad class or without the right."""
import json

from sqlalchemy import select

from admin.cli import main
from data import db
from data.audit import AuditEntry
from pricing import capital
from pricing.models import AssetClassLife


def _lines(capsys) -> list[str]:
    return [line.replace("\xa0", " ") for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_list_and_correct_a_class_life(db_url, capsys):
    assert main(["prices", "lives"]) == 0
    lines = _lines(capsys)
    assert len(lines) == 6
    assert lines[0] == f"§ 3-4 a) IKT-utstyr, kontormaskiner og lignende: 5 år. Kilde: {capital.ASSET_CLASS_SOURCE}"
    assert lines[2].startswith("§ 3-4 c) Programvare: 15 år. Kilde: FOR-2019-06-07-714 § 3-4")

    source = "Lovdata, FOR-2019-06-07-714 § 3-4 bokstav a, lest 1.12.2026"
    assert main(["prices", "lives", "set", "ict_equipment", "6", "--source", source]) == 0
    assert _lines(capsys) == ["Lengste avskrivningstid for «IKT-utstyr, kontormaskiner og lignende» er nå 6 år."]
    with db.session_scope() as session:
        row = session.get(AssetClassLife, "ict_equipment")
        assert (row.max_years, row.source) == (6, source)
        assert capital.class_lives(session)["ict_equipment"]["max_years"] == 6
        entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "pricing_asset_class_life")
                               .order_by(AuditEntry.seq.desc()))
        assert entry is not None and entry.action == "insert" and entry.row_id == "ict_equipment"
        assert json.loads(entry.changes)["max_years"] == {"before": None, "after": 6}
        assert entry.actor.startswith("cli:")
    assert main(["prices", "lives"]) == 0
    assert _lines(capsys)[0] == f"§ 3-4 a) IKT-utstyr, kontormaskiner og lignende: 6 år. Kilde: {source}"
    assert main(["--lang", "en", "prices", "lives"]) == 0
    assert _lines(capsys)[2].startswith("§ 3-4 c) Software: 15 years. Source: ")


def test_a_bad_class_or_a_missing_right_changes_nothing(db_url, capsys):
    assert main(["prices", "lives", "set", "servers", "6", "--source", "Lovdata"]) == 1
    assert "Ukjent eiendelsklasse «servers»" in capsys.readouterr().err
    assert main(["users", "add", "lars", "--role", "leader", "--password", "Fjordhest-gran-lyng-42"]) == 0
    assert main(["--as", "lars", "users", "set-password", "lars", "--password", "Tindevegg-blåbær-7731"]) == 0
    capsys.readouterr()
    assert main(["--as", "lars", "prices", "lives", "set", "software", "20", "--source", "Lovdata"]) == 1
    assert "Du har ikke tilgang" in capsys.readouterr().err
    with db.session_scope() as session:
        assert session.scalar(select(AssetClassLife)) is None
