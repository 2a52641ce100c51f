"""The usage page renders for every role, with demo usage and with an empty database."""
from __future__ import annotations

import random

import pytest

from data import db
from data.metering import demo as metering_demo
from data.metering import usage as metering
from tests.conftest import make_actor
from tests.pages import errors_of, render

PAGE = "data/metering/pages/usage.py"
ROLES = ("admin", "leader", "finance", "security", "product_owner", "portfolio", "support", "architect")


@pytest.fixture
def demo_usage(db_url, system):
    with db.session_scope(system) as s:
        metering_demo.load_demo(s, system, random.Random(7))
        metering.create_api_key(s, system, "svarut")


def test_page_renders_for_every_role_with_demo_data(demo_usage):
    for role in ROLES:  # one demo load for all roles
        app = render(PAGE, make_actor(role, owned=("svarut",)))
        assert errors_of(app) == [], role
        assert app.title[0].value == "Forbruk av tjenestene"
        assert len(app.get("plotly_chart")) >= 2
        has_keys_table = any("API-nøkler" in s.value for s in app.subheader)
        assert has_keys_table == (role in ("admin", "finance")), role
    app = render(PAGE, make_actor("leader"), language="en")
    assert errors_of(app) == []
    assert app.title[0].value == "Service usage"


def test_page_shows_empty_states_without_usage(db_url):
    app = render(PAGE, make_actor("finance"))
    assert errors_of(app) == []
    assert any("Ingen målere er satt opp" in i.value for i in app.info)
