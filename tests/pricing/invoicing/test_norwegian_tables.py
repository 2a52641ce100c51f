"""What finance reads in the tables: kroner with a decimal comma, a space between thousands and "kr";
service names, not codes; "–" where nothing is known."""
import re

from tests.conftest import make_actor
from tests.pages import errors_of, render, shown
from tests.pricing.invoicing.test_pages import small_case  # noqa: F401  (the fixture)

KRONER = re.compile(r"^-?\d{1,3}(\xa0\d{3})*,\d{2} kr$")


def test_invoice_runs_show_kroner_and_names(small_case):  # noqa: F811
    app = render("pricing/invoicing/pages/runs.py", make_actor("finance"))
    app.text_input(key="inv-period").set_value("2025-Q1").run(timeout=60)
    next(b for b in app.button if b.label == "Forhåndsvis").click().run(timeout=60)
    assert errors_of(app) == []
    tables = [shown(frame) for frame in app.dataframe]
    money = [value for table in tables for column in table.columns for value in table[column]
             if isinstance(value, str) and value.endswith(" kr")]
    assert money and all(KRONER.match(value) for value in money), money
    texts = {str(value) for table in tables for column in table.columns for value in table[column]}
    assert not texts & {"None", "nan", "NaN"}
