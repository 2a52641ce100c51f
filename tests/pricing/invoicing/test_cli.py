"""`backoffice invoice run --period P [--approve]`, `backoffice export invoice-basis|product-accounts`,
`backoffice invoice credit` and `backoffice fund`."""
import io
from datetime import date

from openpyxl import load_workbook

from admin.cli import main
from data import db
from tests.pricing.invoicing.helpers import appendix, price_list, three_orgs, usage


def _seed(system):
    with db.session_scope(actor=system) as session:
        a, b, c = three_orgs(session)
        price_list(session, [a, b, c])
        appendix(session, a, date(2024, 6, 1))
        appendix(session, b, date(2025, 2, 15))
        usage(session, system, a, date(2025, 1, 10), 300)
        return b.municipality_number


def test_run_approve_export_and_credit(db_url, system, tmp_path, capsys):
    b = _seed(system)
    assert main(["invoice", "run", "--period", "2025-Q1"]) == 0
    out = capsys.readouterr().out
    assert "Bare forhåndsvisning" in out and "21\xa0000,00 kr" in out
    assert main(["invoice", "run", "--period", "2025-Q1", "--approve"]) == 0
    assert "Fakturakjøring 1 for 2025-Q1 er godkjent" in capsys.readouterr().out
    assert main(["invoice", "run", "--period", "2025-Q1", "--approve"]) == 1
    captured = capsys.readouterr()
    assert "allerede fakturert" in captured.err + captured.out
    target = tmp_path / "grunnlag.xlsx"
    assert main(["export", "invoice-basis", "--run", "1", "-o", str(target)]) == 0
    assert load_workbook(io.BytesIO(target.read_bytes())).sheetnames[0] == "Fakturagrunnlag"
    csv_target = tmp_path / "grunnlag.csv"
    assert main(["export", "invoice-basis", "--run", "1", "-o", str(csv_target)]) == 0
    assert csv_target.read_bytes().decode("utf-8-sig").startswith("Organisasjonsnummer;")
    accounts = tmp_path / "regnskap.xlsx"
    assert main(["export", "product-accounts", "--year", "2025", "-o", str(accounts)]) == 0
    assert load_workbook(io.BytesIO(accounts.read_bytes())).sheetnames == ["Sammendrag", "svarut"]
    assert main(["invoice", "credit", "--run", "1", "--reason", "Feil dato", "--organisation", b]) == 0
    assert "Kreditert i kjøring 2, fakturert på nytt i kjøring 3" in capsys.readouterr().out
    assert main(["invoice", "list"]) == 0
    listing = capsys.readouterr().out
    assert "(kreditert i 2)" in listing and "(krediterer 1)" in listing
    assert main(["fund", "plan", "--service", "svarut", "--year", "2026", "--amount-ore", "100000"]) == 0
    assert main(["fund", "show", "--service", "svarut"]) == 0


def test_bad_period_exits_1_with_the_message(db_url, capsys):
    assert main(["invoice", "run", "--period", "2025-Q5"]) == 1
    captured = capsys.readouterr()
    assert "Ugyldig periode" in captured.out + captured.err
