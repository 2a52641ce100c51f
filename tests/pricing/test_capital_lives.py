"""Depreciation lives (issue 18, item 5): each investment has an asset class of FOR-2019-06-07-714 § 3-4;
its life defaults to the class's maximum; a longer life needs a written reason (the error names the
field); finance can correct a class's maximum with a source; the demo's platforms stay within the table
or carry a reason."""
import pytest
from sqlalchemy import select

from data.audit import AuditEntry
from data.errors import ConflictError, PermissionDenied, ValidationFailed
from pricing import capital
from pricing.demo import INVESTMENTS
from pricing.models import Investment
from tests.conftest import make_actor

FINANCE = make_actor("finance")
BASE = {"service": "svarut", "name": "Plattform", "amount_ore": 100_000_000, "year_in_use": 2024}


def test_the_table_of_section_3_4():
    assert {code: years for code, (_letter, years) in capital.ASSET_CLASSES.items()} == {
        "ict_equipment": 5, "equipment": 10, "software": 15, "heavy_vehicles": 20, "facilities": 40,
        "buildings": 50}
    assert [letter for letter, _years in capital.ASSET_CLASSES.values()] == ["a", "b", "c", "d", "e", "f"]
    assert "FOR-2019-06-07-714 § 3-4" in capital.ASSET_CLASS_SOURCE


def test_life_defaults_to_the_class_maximum(session):
    software = capital.save_investment(session, FINANCE, {**BASE, "asset_class": "software"})
    servers = capital.save_investment(session, FINANCE, {**BASE, "name": "Servere", "asset_class": "ict_equipment"})
    unstated = capital.save_investment(session, FINANCE, {**BASE, "name": "Uten klasse"})
    assert (software.years_of_use, servers.years_of_use) == (15, 5)
    assert (unstated.asset_class, unstated.years_of_use) == ("software", 15)
    # depreciation over the default life: 1 000 000 kr / 5 = 200 000 kr a year from 2025
    dep, *_ = capital.capital_cost(servers.amount_ore, 2024, servers.years_of_use, 2025, 0)
    assert dep == 20_000_000


def test_a_longer_life_needs_a_reason_naming_the_field(session):
    with pytest.raises(ValidationFailed) as error:
        capital.save_investment(session, FINANCE, {**BASE, "asset_class": "ict_equipment", "years_of_use": 6})
    assert "Begrunnelse for lengre brukstid" in error.value.message
    assert "6 år er lengre enn 5 år" in error.value.message and "IKT-utstyr" in error.value.message
    assert session.scalar(select(Investment).where(Investment.name == "Plattform")) is None
    saved = capital.save_investment(session, FINANCE, {**BASE, "asset_class": "ict_equipment", "years_of_use": 6,
                                                       "life_reason": "Driftsavtalen gjelder seks år."})
    assert (saved.years_of_use, saved.life_reason) == (6, "Driftsavtalen gjelder seks år.")
    # within the maximum no reason is needed
    assert capital.save_investment(session, FINANCE, {**BASE, "name": "Kort", "asset_class": "ict_equipment",
                                                      "years_of_use": 3}).years_of_use == 3
    row = next(r for r in capital.investment_rows(session, "svarut") if r["id"] == saved.id)
    assert (row["class_max_years"], row["life_reason"]) == (5, "Driftsavtalen gjelder seks år.")


def test_unknown_class_is_refused(session):
    with pytest.raises(ValidationFailed) as error:
        capital.save_investment(session, FINANCE, {**BASE, "asset_class": "spaceship"})
    assert "Eiendelsklasse" in error.value.message and "spaceship" in error.value.message


def test_finance_corrects_a_class_with_its_source(session):
    with pytest.raises(PermissionDenied):
        capital.set_class_life(session, make_actor("support"), {"code": "software", "max_years": 10, "source": "x"})
    with pytest.raises(ValidationFailed):
        capital.set_class_life(session, FINANCE, {"code": "software", "max_years": 10, "source": ""})
    row = capital.set_class_life(session, FINANCE, {"code": "software", "max_years": 10,
                                                    "source": "Lovdata, lest 01.12.2026"})
    lives = capital.class_lives(session)
    assert lives["software"]["max_years"] == 10 and lives["software"]["source"] == "Lovdata, lest 01.12.2026"
    assert lives["ict_equipment"]["max_years"] == 5 and lives["ict_equipment"]["version"] is None
    with pytest.raises(ValidationFailed):
        capital.save_investment(session, FINANCE, {**BASE, "years_of_use": 12})
    assert capital.save_investment(session, FINANCE, BASE).years_of_use == 10
    with pytest.raises(ConflictError):
        capital.set_class_life(session, FINANCE, {"code": "software", "max_years": 12, "source": "y"},
                               expected_version=row.version + 1)
    session.flush()
    assert session.scalar(select(AuditEntry).where(AuditEntry.table_name == "pricing_asset_class_life"))


def test_demo_investments_stay_within_their_class_or_give_a_reason():
    for service, name, _amount, _year, years, asset_class, reason in INVESTMENTS:
        _letter, max_years = capital.ASSET_CLASSES[asset_class]
        assert years <= max_years or reason.strip(), (service, name, years, max_years)
    assert any(years > capital.ASSET_CLASSES[cls][1] and reason for *_x, years, cls, reason in INVESTMENTS)
