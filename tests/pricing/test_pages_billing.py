"""The calculation page states the price per organisation kind and the population year, and finance
sends a calculation to a leader for approval in the app (issue 18, items 3 and 9)."""
from sqlalchemy import select

from data import db
from pricing.models import PriceCalculation
from tests.conftest import make_actor
from tests.pages import errors_of, render
from tests.pricing.test_pages import demo_db  # noqa: F401  (the demo database fixture)


def _checkbox_and_button(app, label: str):
    button = next(b for b in app.button if b.label == label)
    key = button.key.removesuffix("-go")
    return app.checkbox(key=f"{key}-ok"), button.key


def test_finance_submits_a_draft_and_the_leader_sees_who_asked_and_the_lists(demo_db):  # noqa: F811
    app = render("pricing/pages/calculations.py", make_actor("finance"))
    app.number_input(key="calc-year").set_value(2027).run(timeout=60)
    assert errors_of(app) == []
    kinds = next(d.value for d in app.dataframe if "kind" in d.value.columns)
    assert "kommuner" in set(kinds["kind"]) and "Etter kalkylens modell" in set(kinds["charge"])
    box, key = _checkbox_and_button(app, "Send til godkjenning")
    box.check().run(timeout=60)
    app.button(key=key).click().run(timeout=60)
    assert errors_of(app) == []
    with db.session_scope() as session:
        submitted = session.scalars(select(PriceCalculation).where(PriceCalculation.status == "awaiting_approval")).all()
        # the one just sent, beside the demo's Digisos 2027 that okonomi sent (pricing/demo.py SUBMITTED)
        assert sorted((c.year, c.submitted_by) for c in submitted) == [(2027, "finance"), (2027, "okonomi")]
    app = render("pricing/pages/calculations.py", make_actor("leader"))
    app.number_input(key="calc-year").set_value(2027).run(timeout=60)
    assert errors_of(app) == []
    assert any("Venter på godkjenning: sendt av finance" in i.value for i in app.info), [i.value for i in app.info]
    assert any(b.label == "Godkjenn prislisten" for b in app.button)
    # the price lists: each kind's price, the population year and both people
    app = render("pricing/pages/price_lists.py", make_actor("leader"))
    assert errors_of(app) == []
    table = app.dataframe[0].value
    assert {"kind", "population_year", "prepared_by", "approved_by"} <= set(table.columns)
    assert "fylkeskommuner" in set(table["kind"])                # MinSide's own fixed amount for counties
    # persons by name, not user names (the demo's leder and okonomi)
    assert set(table["approved_by"]) == {"Lise Leder"} and set(table["prepared_by"]) == {"Øystein Økonomi"}
