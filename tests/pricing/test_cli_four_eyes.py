"""Four eyes on money from the terminal (issue 18, item 9), with `--as USER`: finance prepares an invoice run
and submits a price calculation; finance cannot approve either; someone holding both roles cannot approve
what they prepared themselves; a leader approves, and the run and the price list record both people."""
import json
from datetime import date

from sqlalchemy import select

from admin.cli import main
from data import db
from pricing.invoicing.models import InvoiceRun, InvoiceRunRequest
from pricing.models import PriceCalculation, PriceList
from tests.conftest import make_actor
from tests.pricing.helpers import orgs, simple_cost_base
from tests.pricing.invoicing.helpers import appendix, price_list, three_orgs

PASSWORD = "Fjordhest-gran-lyng-42"
OWN_PASSWORD = "Tindevegg-blåbær-7731"
OWN_APPROVAL = "To personer må signere: den som har forberedt noe, kan ikke selv godkjenne det."


def _add_user(username: str, *roles: str) -> None:
    """A user who has replaced the one-time password, so that `--as` may act as them."""
    role_args = [arg for role in roles for arg in ("--role", role)]
    assert main(["users", "add", username, *role_args, "--password", PASSWORD]) == 0
    assert main(["--as", username, "users", "set-password", username, "--password", OWN_PASSWORD]) == 0


def _people(capsys) -> None:
    _add_user("frida", "finance")
    _add_user("lars", "leader")
    _add_user("kari", "finance", "leader")
    capsys.readouterr()


def test_an_invoice_run_is_prepared_by_finance_and_approved_by_a_leader(db_url, system, capsys):
    with db.session_scope(actor=system) as session:
        a, b, c = three_orgs(session)
        price_list(session, [a, b, c])
        appendix(session, a, date(2024, 6, 1))
        appendix(session, b, date(2025, 2, 15))
    _people(capsys)
    run = ["invoice", "run", "--period", "2025-Q1"]

    assert main(["--as", "frida", *run, "--prepare", "--reason", "Kvartal 1"]) == 0
    assert "venter på godkjenning" in capsys.readouterr().out
    assert main(["--as", "frida", *run, "--approve"]) == 1            # finance may not approve money
    assert "Du har ikke tilgang" in capsys.readouterr().err
    with db.session_scope() as session:
        assert session.scalar(select(InvoiceRun)) is None             # nothing billed
        request = session.scalar(select(InvoiceRunRequest))
        assert (request.prepared_by, request.status) == ("frida", "awaiting_approval")

    assert main(["--as", "lars", *run, "--approve"]) == 0
    assert "Fakturakjøring 1 for 2025-Q1 er godkjent" in capsys.readouterr().out
    with db.session_scope() as session:
        approved = session.scalar(select(InvoiceRun))
        assert (approved.prepared_by, approved.approved_by) == ("frida", "lars")
        assert approved.prepared_at <= approved.approved_at
        assert session.get(InvoiceRunRequest, request.id).status == "approved"

    # someone with both roles cannot approve the run they prepared themselves
    second = ["invoice", "run", "--period", "2025-Q2"]
    assert main(["--as", "kari", *second, "--prepare"]) == 0
    capsys.readouterr()
    assert main(["--as", "kari", *second, "--approve"]) == 1
    assert OWN_APPROVAL in capsys.readouterr().err
    assert main(["--as", "lars", *second, "--approve"]) == 0
    with db.session_scope() as session:
        q2 = session.scalar(select(InvoiceRun).where(InvoiceRun.period == "2025-Q2"))
        assert (q2.prepared_by, q2.approved_by) == ("kari", "lars")


def test_a_price_list_is_submitted_by_finance_and_approved_by_a_leader(db_url, system, tmp_path, capsys):
    with db.session_scope(actor=system) as session:
        simple_cost_base(session, make_actor("finance"), year=2026, amount_ore=30_000_000)
        names = [o.name for o in orgs(session, 1000, 2000, 3000)]
    _people(capsys)
    adopters = tmp_path / "adopters.csv"
    adopters.write_text("\n".join(f"{n};10" for n in names), encoding="utf-8")
    model = json.dumps({"components": [{"basis": "inhabitant", "share": 100}]})
    calculate = ["prices", "calculate", "--service", "svarut", "--year", "2026", "--model", model,
                 "--adopters", str(adopters)]

    assert main(["--as", "frida", *calculate]) == 0
    assert main(["--as", "frida", "prices", "submit", "1"]) == 0
    capsys.readouterr()
    assert main(["--as", "frida", "prices", "approve", "1"]) == 1       # finance may not approve a price list
    assert "Du har ikke tilgang" in capsys.readouterr().err
    with db.session_scope() as session:
        assert session.scalar(select(PriceList)) is None
        calc = session.scalar(select(PriceCalculation))
        assert (calc.status, calc.created_by, calc.submitted_by) == ("awaiting_approval", "frida", "frida")

    assert main(["--as", "lars", "prices", "approve", "1", "--comment", "Vedtatt"]) == 0
    with db.session_scope() as session:
        approved = session.scalar(select(PriceList))
        assert (approved.prepared_by, approved.approved_by) == ("frida", "lars")
        assert approved.prepared_at == session.scalar(select(PriceCalculation)).submitted_at
        assert approved.prepared_at <= approved.approved_at

    # a leader who also does finance's work cannot approve the calculation they wrote
    assert main(["--as", "kari", *calculate]) == 0
    capsys.readouterr()
    assert main(["--as", "kari", "prices", "approve", "2"]) == 1
    assert OWN_APPROVAL in capsys.readouterr().err
    with db.session_scope() as session:
        assert session.get(PriceCalculation, 2).status == "draft"
