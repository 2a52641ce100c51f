"""The price calculation for a year shows the self-cost fund that year's price must settle, with the amount
(issue 18, item 6): on the demo, a 2020 MinSide deficit whose five years run out makes the 2027 price
responsible for recovering what is left of it."""
from data import db
from data.formatting import money
from pricing import costbase, fundplan, selfcost
from pricing.demo import FINANCE, MODELS
from pricing.invoicing import fund
from tests.conftest import make_actor
from tests.pages import errors_of, render


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_the_calculation_page_warns_of_the_fund_its_year_must_settle(demo_url, system):
    with db.session_scope(actor=system) as session:
        costbase.save_cost_item(session, FINANCE, {"year": 2020, "basis": "actual", "service": "minside",
                                                   "cost_type": "operations", "description": "Drift 2020",
                                                   "amount_ore": 100_000_000})
        (due,) = fund.due_in_price(session, "minside", 2027)
        calc = selfcost.calculate_price(session, FINANCE, {"service": "minside", "year": 2027,
                                                           "model": MODELS["minside"], "note": "Med fondsvarsel"})
        calc_id, inputs = calc.id, calc.inputs
    # what is left of the 2020 deficit after the later years' surpluses, due by 31.12.2025 (so in 2027's price)
    assert due["year"] == 2020 and due["deadline"] == "2025-12-31"
    assert -100_000_000 <= due["amount_ore"] < -90_000_000
    assert inputs["fund_due"] == [due]
    (expected,) = fundplan.due_warnings(inputs)
    assert f"{_plain(money(-due['amount_ore']))} av underskuddet fra 2020 må dekkes inn senest i 2027" \
        in _plain(expected)

    app = render("pricing/pages/calculations.py", make_actor("finance"))
    next(s for s in app.selectbox if s.label == "Tjeneste").set_value("minside").run(timeout=60)
    app.number_input(key="calc-year").set_value(2027).run(timeout=60)
    next(s for s in app.selectbox if s.label == "Vis kalkyle").set_value(calc_id).run(timeout=60)
    assert errors_of(app) == []
    shown = [w.value for w in app.warning]
    assert expected in shown, shown

    # the demo's own draft for 2027, calculated before the deficit was booked, has nothing due
    with db.session_scope() as session:
        drafts = [c for c in selfcost.calculation_rows(session, "minside", 2027) if c["id"] != calc_id]
    next(s for s in app.selectbox if s.label == "Vis kalkyle").set_value(drafts[0]["id"]).run(timeout=60)
    assert errors_of(app) == []
    assert not any("Selvkostfond:" in w.value for w in app.warning)
