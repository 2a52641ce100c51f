"""Migration 0380 on a database with a calculation, price list and invoice run made before prices were
stated per organisation kind: the calculation's components become the municipalities' price and every other
kind among its adopters is recorded as paying by them (what happened before), so the stored calculation
still recalculates to its stored result; the price list's preparer is the calculation's author, and a run's
preparer its approver (one step before four eyes). On both databases."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from data import db, schema
from pricing import selfcost

pytestmark = pytest.mark.both_databases

OLD_MODEL = {"components": [{"basis": "inhabitant", "share": "100", "tiers": [], "tier_mode": "graduated",
                             "minimum_fee_ore": 100_000, "unit_label": ""}]}


def _old_calculation() -> tuple[dict, dict]:
    """Inputs and result as a calculation stored them before revision 0380 (no kinds anywhere)."""
    inputs = {"direct": [{"cost_type": "operations", "description": "Drift", "amount_ore": 10_000_000,
                          "counts": True}], "allocation": [], "capital": [], "digifin": [], "fund_use_ore": 0,
              "model": OLD_MODEL, "previous": None,
              "adopters": [{"org_id": 1, "name": "Aremark", "org_number": None, "population": 1_500, "units": "0"},
                           {"org_id": 2, "name": "Østfold fylkeskommune", "org_number": None, "population": 300_000,
                            "units": "0"}]}
    result = selfcost.compute(inputs)
    for key in ("kinds", "kind_charges", "kind_revenue_ore"):
        result.pop(key)
    return inputs, result


def test_upgrade_states_the_old_price_per_kind_and_records_who_prepared(empty_url):
    engine = db.make_engine(empty_url)
    schema.upgrade(engine, "0370")
    inputs, result = _old_calculation()
    assert [c["total_ore"] for c in result["charges"]] == [100_000, 9_900_000]   # the county: per inhabitant
    tables = sa.MetaData()
    tables.reflect(bind=engine, only=["organisation", "service", "pricing_calculation", "pricing_price_list",
                                      "pricing_invoice_run"])
    created, approved = datetime(2024, 10, 1, tzinfo=UTC), datetime(2024, 11, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(tables.tables["organisation"].insert(), [
            {"id": 1, "name": "Aremark", "kind": "municipality", "version": 1},
            {"id": 2, "name": "Østfold fylkeskommune", "kind": "county_municipality", "version": 1}])
        connection.execute(tables.tables["service"].insert(), {"id": 1, "code": "svarut", "name": "SvarUt",
                                                              "description": "", "status": "active", "version": 1})
        connection.execute(tables.tables["pricing_calculation"].insert(), {
            "id": 1, "service_id": 1, "year": 2025, "number": 1, "status": "approved", "basis": "budget",
            "note": "", "inputs": inputs, "result": result, "self_cost_ore": result["self_cost_ore"],
            "expected_revenue_ore": result["expected_revenue_ore"], "created_by": "okonomi", "created_at": created,
            "version": 1})
        connection.execute(tables.tables["pricing_price_list"].insert(), {
            "id": 1, "service_id": 1, "year": 2025, "number": 1, "calculation_id": 1, "approved_by": "leder",
            "approved_at": approved, "comment": ""})
        connection.execute(tables.tables["pricing_invoice_run"].insert(), {
            "id": 1, "number": 1, "period": "2025-Q1", "period_start": date(2025, 1, 1),
            "period_end": date(2025, 3, 31), "kind": "regular", "service_code": None, "credits_run_id": None,
            "reason": "", "line_count": 0, "total_ore": 0, "approved_by": "okonomi", "approved_at": approved})
    schema.upgrade(engine, "0380")
    tables = sa.MetaData()
    tables.reflect(bind=engine, only=["pricing_calculation", "pricing_price_list", "pricing_invoice_run",
                                      "pricing_invoice_run_request"])
    with engine.connect() as connection:
        calc = connection.execute(sa.select(tables.tables["pricing_calculation"])).one()._mapping
        price_list = connection.execute(sa.select(tables.tables["pricing_price_list"])).one()._mapping
        run = connection.execute(sa.select(tables.tables["pricing_invoice_run"])).one()._mapping
        waiting = connection.execute(sa.select(sa.func.count()).select_from(
            tables.tables["pricing_invoice_run_request"])).scalar()
    engine.dispose()
    migrated_inputs, migrated_result = calc["inputs"], calc["result"]
    assert migrated_inputs["model"]["kinds"] == {"county_municipality": {"charge": "model"},
                                                 "municipality": {"charge": "model"}}
    assert [a["kind"] for a in migrated_inputs["adopters"]] == ["municipality", "county_municipality"]
    assert migrated_result["kinds"]["municipality"] == {"charge": "model", "price": None}
    assert selfcost.compute(migrated_inputs) == migrated_result          # a stored calculation recalculates
    assert (calc["submitted_by"], calc["population_year"]) == (None, None)
    assert price_list["prepared_by"] == "okonomi" and price_list["population_year"] is None
    assert run["prepared_by"] == "okonomi" and waiting == 0
