"""The capacity heatmap: its colour and its number show the same quantity (the balance, around zero)."""
import base64
import json

import numpy as np
import pytest

from data import db, demo
from portfolio.demo import load_demo
from tests.conftest import make_actor
from tests.pages import errors_of, render


@pytest.fixture
def loaded(db_url, system):
    with db.session_scope(actor=system) as session:
        demo.load(session, system, [load_demo])
    return db_url


def test_heatmap_colours_the_balance_it_prints_on_a_scale_around_zero(loaded):
    app = render("portfolio/pages/capacity.py", make_actor("portfolio"))
    assert errors_of(app) == []
    heat = next(trace for chart in app.get("plotly_chart")
                for trace in json.loads(chart.proto.spec)["data"] if trace["type"] == "heatmap")
    printed = [[float(text.replace("\xa0", "").replace("−", "-").replace(",", ".")) for text in row]
               for row in heat["text"]]
    z = heat["z"]
    if isinstance(z, dict):   # plotly sends a numpy array as typed binary data
        z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape([int(n) for n in str(z["shape"]).split(",")]).tolist()
    coloured = [[float(v) for v in row] for row in z]
    assert len(coloured) == len(printed) and all(                # the same number in colour and in text
        abs(c - p) <= 0.05 + 1e-9 for crow, prow in zip(coloured, printed, strict=True)
        for c, p in zip(crow, prow, strict=True))
    assert heat["zmid"] == 0 and heat["zmin"] == -heat["zmax"]
    assert min(min(row) for row in coloured) < 0                 # the demo has a shortage: the reddest cell
    worst = min(min(row) for row in coloured)
    assert heat["zmin"] <= worst and heat["colorscale"][0][1] == "#b2182b"
