"""A calculation a leader sends back keeps the reason in fields of its own (who, when, what must change) and
finance's note as it was; finance sees it on the calculation page as a box naming the person, and in the CLI's
list of calculations; submitting it again clears the fields, and the audit log keeps the history."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from admin.cli import main
from data import db
from data.access import Actor
from data.audit import AuditEntry
from data.db import utcnow
from data.errors import BackofficeError
from data.formatting import day
from data.i18n import set_language
from data.registers.models import User, UserRole
from pricing import pricelists, selfcost
from pricing.models import PriceCalculation
from tests.pages import ROOT, errors_of, render
from tests.pricing.helpers import adopters, orgs, simple_cost_base

FINANCE = Actor(username="frida", roles=frozenset({"finance"}), full_name="Frida Finans")
LEADER = Actor(username="lars", roles=frozenset({"leader"}), full_name="Lars Leder")
MODEL = {"components": [{"basis": "inhabitant", "share": 100}]}
REASON = "Bruk befolkningstallene for 2026"


def _people(session) -> None:
    for actor in (FINANCE, LEADER):
        session.add(User(username=actor.username, full_name=actor.full_name,
                         role_rows=[UserRole(role=role) for role in actor.roles]))
    session.flush()


def _submitted(session, note: str = "Med ny fordeling") -> PriceCalculation:
    simple_cost_base(session, FINANCE, year=2026, amount_ore=30_000_000)
    calc = selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2026, "model": MODEL, "note": note,
                                                       "adopters": adopters(orgs(session, 10_000, 20_000))})
    pricelists.submit(session, FINANCE, {"calculation_id": calc.id})
    return calc


def test_send_back_keeps_the_reason_in_its_own_fields_and_leaves_the_note(session):
    calc = _submitted(session)
    assert (calc.sent_back_by, calc.sent_back_at, calc.sent_back_reason) == (None, None, None)
    before = utcnow()
    pricelists.send_back(session, LEADER, {"calculation_id": calc.id, "comment": f"  {REASON}  "})
    assert (calc.status, calc.submitted_by, calc.submitted_at) == ("draft", None, None)
    assert (calc.sent_back_by, calc.sent_back_reason) == ("lars", REASON)
    assert calc.sent_back_at.tzinfo is not None and before <= calc.sent_back_at <= utcnow()
    assert calc.note == "Med ny fordeling"                       # finance's note is left as it was
    # a return without a reason is refused and changes nothing
    pricelists.submit(session, FINANCE, {"calculation_id": calc.id})
    with pytest.raises(BackofficeError, match="Skriv hva som må endres"):
        pricelists.send_back(session, LEADER, {"calculation_id": calc.id, "comment": "   "})
    assert (calc.status, calc.sent_back_by) == ("awaiting_approval", None)


def test_submitting_again_clears_the_return_and_the_audit_log_keeps_it(session):
    calc = _submitted(session, note="")
    pricelists.send_back(session, LEADER, {"calculation_id": calc.id, "comment": REASON})
    session.flush()
    returned_at = calc.sent_back_at
    pricelists.submit(session, FINANCE, {"calculation_id": calc.id})
    assert (calc.status, calc.submitted_by) == ("awaiting_approval", "frida")
    assert (calc.sent_back_by, calc.sent_back_at, calc.sent_back_reason, calc.note) == (None, None, None, "")
    session.flush()
    updates = [json.loads(e.changes) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.table_name == "pricing_calculation", AuditEntry.row_id == str(calc.id),
                                 AuditEntry.action == "update").order_by(AuditEntry.seq))]
    returned, resubmitted = updates[-2:]
    assert returned["sent_back_reason"] == {"before": None, "after": REASON}
    assert returned["sent_back_by"] == {"before": None, "after": "lars"}
    assert resubmitted["sent_back_reason"] == {"before": REASON, "after": None}
    assert resubmitted["sent_back_at"]["before"] == returned_at.isoformat()
    assert "note" not in returned and "note" not in resubmitted
    # approved later: the list records who prepared it (the one who submitted it again)
    price_list = pricelists.approve(session, LEADER, {"calculation_id": calc.id})
    assert (price_list.prepared_by, price_list.approved_by) == ("frida", "lars")


@pytest.fixture
def sent_back(db_url, system):
    with db.session_scope(actor=system) as session:
        _people(session)
        calc = _submitted(session)
        pricelists.send_back(session, LEADER, {"calculation_id": calc.id, "comment": REASON})
        session.flush()
        return calc.id, calc.sent_back_at


def _english_day(value) -> str:
    set_language("en")
    try:
        return day(value)
    finally:
        set_language("nb")


def _calculation_page(actor: Actor = FINANCE):
    app = render("pricing/pages/calculations.py", actor, timeout=60)
    app.number_input(key="calc-year").set_value(2026).run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    return app


def test_finance_sees_who_sent_it_back_when_and_why_by_name(sent_back):
    calc_id, returned_at = sent_back
    app = _calculation_page()
    boxes = [w.value for w in app.warning if w.value.startswith("Sendt tilbake")]
    assert boxes == [f"Sendt tilbake av Lars Leder {day(returned_at)}: {REASON}\n\n"
                     "Lag en ny kalkyle med endringene, eller send denne til godkjenning igjen."]
    assert not any("Sendt tilbake av lars" in w.value for w in app.warning)      # the person, not the user name
    table = app.dataframe[0].value
    assert list(table["note"]) == ["Med ny fordeling"] and list(table["status"]) == ["Utkast"]
    english = render("pricing/pages/calculations.py", LEADER, language="en", timeout=60)   # the leader sees it too
    english.number_input(key="calc-year").set_value(2026).run(timeout=60)
    assert errors_of(english) == []
    assert [w.value.split("\n")[0] for w in english.warning if w.value.startswith("Sent back")] == [
        f"Sent back by Lars Leder on {_english_day(returned_at)}: {REASON}"]

    # a leader who opens the draft in the price lists' queue reads the return before approving it as it is
    queue = AppTest.from_file(str(ROOT / "pricing/pages/price_lists.py"), default_timeout=60)
    queue.session_state["actor"], queue.session_state["language"] = LEADER, "nb"
    queue.query_params["calculation"] = str(calc_id)
    queue.run()
    assert errors_of(queue) == [] and queue.selectbox(key="price-queue").value == calc_id
    assert [w.value for w in queue.warning] == [f"Sendt tilbake av Lars Leder {day(returned_at)}: {REASON}"]

    # finance sends it again: the box is gone, and the page names who is waiting for whom
    box, key = app.checkbox(key=f"submit-{calc_id}-ok"), f"submit-{calc_id}-go"
    box.check().run(timeout=60)
    app.button(key=key).click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        calc = session.get(PriceCalculation, calc_id)
        assert (calc.status, calc.sent_back_by, calc.sent_back_at, calc.sent_back_reason) == (
            "awaiting_approval", None, None, None)
    app = _calculation_page()
    assert not any(w.value.startswith("Sendt tilbake") for w in app.warning)
    assert any("Venter på godkjenning: sendt av Frida Finans" in i.value for i in app.info), [i.value for i in app.info]


def test_the_cli_sends_back_and_lists_the_reason_by_name(db_url, system, capsys):
    with db.session_scope(actor=system) as session:
        _people(session)
        calc_id = _submitted(session).id
    assert main(["--as", "frida", "prices", "send-back", str(calc_id), "--reason", REASON]) == 1
    assert "Du har ikke tilgang" in capsys.readouterr().err          # finance does not send back
    assert main(["--as", "lars", "prices", "send-back", str(calc_id), "--reason", REASON]) == 0
    assert capsys.readouterr().out.strip() == "Kalkyle 1 for SvarUt 2026 er sendt tilbake til økonomi som utkast."
    with db.session_scope() as session:
        calc = session.get(PriceCalculation, calc_id)
        assert (calc.status, calc.sent_back_by, calc.sent_back_reason, calc.note) == (
            "draft", "lars", REASON, "Med ny fordeling")
        returned_on = day(calc.sent_back_at)
    assert main(["--as", "frida", "prices", "calculations", "--year", "2026"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:5] == [str(calc_id), "2026", "SvarUt", "Kalkyle", "1"] and "(utkast)" in lines[0]
    assert lines[1].strip() == f"Sendt tilbake av Lars Leder {returned_on}: {REASON}"
    assert main(["--as", "frida", "prices", "submit", str(calc_id)]) == 0
    capsys.readouterr()
    assert main(["--as", "frida", "prices", "calculations"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "(venter på godkjenning)" in lines[0]
    assert main(["prices", "calculations", "--year", "1999"]) == 0
    assert capsys.readouterr().out.strip() == "Ingen kalkyler med dette utvalget."
    with db.session_scope(actor=system) as session:
        session.add(User(username="sunniva", full_name="Sunniva Støtte", role_rows=[UserRole(role="support")]))
    assert main(["--as", "sunniva", "prices", "calculations"]) == 1      # calculations are finance's and the leader's
    assert "Du har ikke tilgang" in capsys.readouterr().err
