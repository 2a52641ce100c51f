"""The shared page helpers: Norwegian table texts, Norwegian charts, one save per filled-in form."""
import json
from datetime import date

from streamlit.testing.v1 import AppTest

from data.pages.common import next_in_series
from tests.pages import shown


def _table_script():
    from datetime import date
    from decimal import Decimal

    import pandas as pd
    import streamlit as st

    from data.pages import common

    common.apply_language()
    frame = pd.DataFrame({"service": ["Digisos", None], "amount": [1234.5, 3116522.76], "share": [0.81, None],
                          "count": [3116522, 12], "year": [2027, 2028], "when": [date(2027, 5, 3), None],
                          "rate": [Decimal("4.12"), Decimal("2.8")], "points": [81.0, 7.25]})
    st.dataframe(frame, column_config={
        "amount": common.money_column("Beløp"), "share": common.percent_column("Andel"),
        "when": common.date_column("Dato"), "rate": common.number_column("Rente"),
        "points": st.column_config.NumberColumn("Poeng", format="%.1f %%")})


def test_every_table_shows_norwegian_texts_and_keeps_sortable_numbers():
    app = AppTest.from_function(_table_script, default_timeout=30)
    app.session_state["language"] = "nb"
    app.run()
    assert not app.exception
    table = app.dataframe[0]
    texts = shown(table)
    assert texts.to_dict("records") == [
        {"service": "Digisos", "amount": "1\xa0234,50 kr", "share": "81,0 %", "count": "3\xa0116\xa0522",
         "year": "2027", "when": "03.05.2027", "rate": "4,12", "points": "81,0 %"},
        {"service": "–", "amount": "3\xa0116\xa0522,76 kr", "share": "–", "count": "12", "year": "2028",
         "when": "–", "rate": "2,80", "points": "7,3 %"}]
    assert table.value["amount"].tolist() == [1234.5, 3116522.76]          # the numbers under the texts: sortable
    config = json.loads(table.proto.columns)
    assert config["amount"]["type_config"].get("format") is None              # the display text wins in the browser


def _chart_script():
    import pandas as pd
    import plotly.graph_objects as go
    import streamlit as st

    from data.pages import common

    common.apply_language()
    figure = go.Figure()
    figure.add_bar(x=pd.date_range("2027-01-01", periods=6, freq="MS"), y=[1e6, 14e6, 3e6, 2e6, 1e6, 5e5])
    st.plotly_chart(figure)


def test_every_chart_has_a_decimal_comma_norwegian_months_and_millions():
    app = AppTest.from_function(_chart_script, default_timeout=30)
    app.session_state["language"] = "nb"
    app.run()
    layout = json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]
    assert layout["separators"] == ", "
    assert layout["xaxis"]["ticktext"] == ["jan. 2027", "feb. 2027", "mars 2027", "apr. 2027", "mai 2027", "juni 2027"]
    assert layout["yaxis"]["ticktext"] == ["0 mill.", "5 mill.", "10 mill.", "15 mill."]
    assert layout["yaxis"]["tickvals"] == [0, 5_000_000, 10_000_000, 15_000_000]


def _form_script():
    import streamlit as st

    from data.pages import common

    common.apply_language()

    def create(session, actor, payload):
        st.session_state["rows"] = st.session_state.get("rows", []) + [payload]
        return len(st.session_state["rows"])

    with st.form(common.form_key("meeting")):
        name = st.text_input("Navn")
        if st.form_submit_button("Lagre"):
            if common.save_once("meeting", {"name": name}, create, {"name": name}):
                st.rerun()   # as the pages do: the list shows the new row, the form is drawn empty


def test_pressing_save_twice_on_the_same_form_creates_one_row():
    app = AppTest.from_function(_form_script, default_timeout=30)
    app.session_state["language"] = "nb"
    app.run()
    app.text_input[0].input("Brukerråd mai")
    app.button[0].click().run()
    assert app.session_state["rows"] == [{"name": "Brukerråd mai"}]
    assert app.text_input[0].value == ""                            # saved: the next run draws an empty form
    app.text_input[0].input("Brukerråd mai")
    app.button[0].click().run()                                     # the same meeting filled in and saved again
    assert app.session_state["rows"] == [{"name": "Brukerråd mai"}]
    assert [i.value for i in app.info] == [
        "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."]
    app.text_input[0].input("Brukerråd juni")
    app.button[0].click().run()                                     # a new meeting is a new row
    assert [r["name"] for r in app.session_state["rows"]] == ["Brukerråd mai", "Brukerråd juni"]


def _warnings_script():
    import streamlit as st  # noqa: F401

    from data.pages import common

    common.apply_language()
    common.grouped_warnings(["Mangler prisliste for SvarUt", "Mangler prisliste for Digisos", ""])


def test_many_warnings_are_one_expander_with_their_count():
    app = AppTest.from_function(_warnings_script, default_timeout=30)
    app.session_state["language"] = "nb"
    app.run()
    assert [e.label for e in app.expander] == [":material/warning: 2 merknader"]
    assert not app.warning


def test_a_new_meeting_defaults_to_the_next_date_in_the_series_not_today():
    quarterly = [date(2026, 3, 10), date(2026, 6, 9), date(2026, 9, 8)]      # every 91 days
    assert next_in_series(quarterly, date(2026, 10, 1)) == date(2026, 12, 8)
    assert next_in_series(quarterly, date(2027, 1, 5)) == date(2027, 3, 9)   # stepped on past today
    assert next_in_series([], date(2026, 10, 1), every_days=365) == date(2027, 10, 1)
