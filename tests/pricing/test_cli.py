"""`backoffice prices calculate --service CODE --year YYYY -o FILE` and friends."""
import io
import json

from openpyxl import load_workbook

from admin.cli import main
from data import db
from pricing import pricelists
from tests.conftest import make_actor
from tests.pricing.helpers import orgs, simple_cost_base


def _seed(system):
    with db.session_scope(actor=system) as session:
        simple_cost_base(session, make_actor("finance"), year=2026, amount_ore=30_000_000)
        rows = orgs(session, 1000, 2000, 3000)
        return [o.name for o in rows]


def test_calculate_writes_the_sheet_and_approve_makes_a_list(db_url, system, tmp_path, capsys):
    names = _seed(system)
    adopters = tmp_path / "adopters.csv"
    adopters.write_text("virksomhet;volum\n" + "\n".join(f"{n};10" for n in names), encoding="utf-8")
    model = json.dumps({"components": [{"basis": "inhabitant", "share": 100}]})
    out = tmp_path / "kalkyle.xlsx"
    code = main(["prices", "calculate", "--service", "svarut", "--year", "2026", "--model", model,
                 "--adopters", str(adopters), "-o", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "Kalkyle 1 for svarut 2026" in printed and "300\xa0000,00 kr" in printed
    assert "50,00 kr" in printed                                   # 300 000 kr / 6 000 inhabitants
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames[0] == "Kalkyle"
    # the second run starts from the first calculation's model and adopters
    assert main(["prices", "calculate", "--service", "svarut", "--year", "2026", "--dry-run"]) == 0
    assert "Selvkost: 300\xa0000,00 kr" in capsys.readouterr().out
    assert main(["prices", "approve", "1"]) == 0
    with db.session_scope() as session:
        assert pricelists.approved_price(session, "svarut", 2026).components[0]["tier_prices_ore"] == [5000]
    assert main(["prices", "list", "--year", "2026"]) == 0
    assert "svarut" in capsys.readouterr().out


def test_errors_exit_1_with_a_plain_message(db_url, system, capsys):
    _seed(system)
    code = main(["prices", "calculate", "--service", "svarut", "--year", "2026"])
    assert code == 1
    assert "--model" in capsys.readouterr().err
    assert main(["prices", "approve", "999"]) == 1
    assert "Fant ikke kalkyle 999" in capsys.readouterr().err


def test_every_pricing_download_can_be_written_from_the_cli(db_url, system, tmp_path, capsys):
    names = _seed(system)
    adopters = tmp_path / "adopters.csv"
    adopters.write_text("\n".join(f"{n};10" for n in names), encoding="utf-8")
    model = json.dumps({"components": [{"basis": "inhabitant", "share": 100}]})
    assert main(["prices", "calculate", "--service", "svarut", "--year", "2026", "--model", model,
                 "--adopters", str(adopters)]) == 0
    assert main(["prices", "approve", "1"]) == 0
    capsys.readouterr()

    def written(*command: str) -> object:
        target = tmp_path / f"{command[1]}.xlsx"
        assert main([*command, "-o", str(target)]) == 0
        assert str(target) in capsys.readouterr().out
        return load_workbook(io.BytesIO(target.read_bytes()))

    costs = written("export", "cost-base", "--year", "2026")
    assert costs.sheetnames == ["Kostnader", "Kostnadspooler", "Nøkkeltall"]
    assert costs["Kostnader"]["E2"].value == "Drift"
    lists = written("export", "price-lists", "--year", "2026")
    assert lists.active["A2"].value == "svarut" and lists.active["J2"].value == 50    # 50 kr per inhabitant
    bills = written("export", "organisation-bills", "--year", "2026")
    assert sorted(row[0].value for row in bills.active.iter_rows(min_row=2, max_row=4)) == sorted(names)
    sheet = written("export", "calculation", "1")
    assert sheet.sheetnames[0] == "Kalkyle"
    per_org = written("export", "calculation", "1", "--bills")
    assert per_org.active["E2"].value in (50_000, 100_000, 150_000)          # 1 000, 2 000 or 3 000 inhabitants
    assert main(["export", "calculation", "999", "-o", str(tmp_path / "x.xlsx")]) == 1
    assert "Fant ikke kalkyle 999" in capsys.readouterr().err
