"""Migration 0370 on a database that already has invoice runs, including the damage the old race did:
billed months are filled from the live lines (the first holder keeps a month billed twice, the others are
named in a warning), the run counter starts at the highest number, a year closed twice keeps its first
closing. On both databases."""
import logging
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from data import db, schema

pytestmark = pytest.mark.both_databases


def _line(line_id, run_id, kind, first, last, appendix_id=7, credits=None, amount=1000):
    return {"id": line_id, "run_id": run_id, "kind": kind, "organisation_id": 1, "organisation_name": "Aremark",
            "service_id": 1, "service_code": "svarut", "appendix_id": appendix_id if kind != "usage" else None,
            "appendix_reference": "", "component": 0, "description": kind, "period": "2025-Q1", "year": 2025,
            "billed_from": first, "billed_to": last, "days": 0, "period_days": 0, "meter_code": None,
            "quantity": 1, "unit": "", "unit_price": amount, "amount_ore": amount, "price_list_number": 1,
            "pricing": {}, "credits_line_id": credits}


def _run(run_id, number, kind="regular", credits_run_id=None):
    return {"id": run_id, "number": number, "period": "2025-Q1", "period_start": date(2025, 1, 1),
            "period_end": date(2025, 3, 31), "kind": kind, "service_code": "svarut", "credits_run_id": credits_run_id,
            "reason": "", "line_count": 2, "total_ore": 2000, "approved_by": f"okonomi{number}",
            "approved_at": datetime(2025, 4, 1, tzinfo=UTC)}


def _closing(row_id):
    return {"id": row_id, "service_id": 1, "year": 2024, "opening_ore": 0, "result_ore": -100, "correction_ore": 0,
            "rate_percent": None, "interest_ore": 0, "closing_ore": -100, "set_aside_ore": 0, "drawn_ore": 0,
            "recovered_ore": 0, "new_deficit_ore": 100, "layers": [], "closed_at": datetime(2025, 2, 1, tzinfo=UTC),
            "closed_by": f"okonomi{row_id}", "reopened_at": None, "reopened_by": None, "reopen_reason": None}


def test_upgrade_fills_billed_months_from_live_lines_and_keeps_the_first_of_a_double_billing(empty_url, caplog):
    engine = db.make_engine(empty_url)
    schema.upgrade(engine, "0360")
    q1, jan, mar = (date(2025, 1, 1), date(2025, 3, 31)), date(2025, 1, 31), date(2025, 3, 1)
    tables = sa.MetaData()
    tables.reflect(bind=engine, only=["organisation", "service", "pricing_invoice_run", "pricing_invoice_line",
                                      "pricing_fund_year_end"])
    with engine.begin() as connection:
        connection.execute(tables.tables["organisation"].insert(), {"id": 1, "name": "Aremark", "kind": "municipality",
                                                                   "version": 1})
        connection.execute(tables.tables["service"].insert(), {"id": 1, "code": "svarut", "name": "SvarUt",
                                                              "description": "", "status": "active", "version": 1})
        connection.execute(tables.tables["pricing_invoice_run"].insert(), [
            _run(1, 1), _run(2, 2), _run(3, 3), _run(4, 4, "credit", credits_run_id=3)])
        connection.execute(tables.tables["pricing_invoice_line"].insert(), [
            _line(1, 1, "fixed", *q1), _line(2, 1, "usage", *q1),          # run 1: the first quarter
            _line(3, 2, "fixed", *q1), _line(4, 2, "usage", *q1),          # run 2: the same again (the old race)
            _line(5, 3, "fixed", date(2025, 1, 1), jan, appendix_id=8),     # run 3: another appendix, January ...
            _line(6, 4, "credit", date(2025, 1, 1), jan, appendix_id=8, credits=5, amount=-1000),  # ... credited
            _line(7, 1, "correction", mar, date(2025, 3, 31))])            # corrections hold nothing
        connection.execute(tables.tables["pricing_fund_year_end"].insert(), [_closing(1), _closing(2)])
    with caplog.at_level(logging.WARNING, logger="alembic.runtime.migration"):
        schema.upgrade(engine, "0370")
    with engine.connect() as connection:
        held = connection.execute(sa.text("SELECT kind, appendix_id, month, line_id FROM pricing_billed_period "
                                          "ORDER BY line_id, month")).all()
        counter = connection.execute(sa.text("SELECT value FROM pricing_counter WHERE name = 'invoice_run'")).scalar()
        closings = connection.execute(sa.text("SELECT id, reopened_by FROM pricing_fund_year_end ORDER BY id")).all()
    engine.dispose()
    months = [date(2025, m, 1) for m in (1, 2, 3)]
    assert [(k, a, m if isinstance(m, date) else date.fromisoformat(m), i) for k, a, m, i in held] == (
        [("fixed", 7, m, 1) for m in months] + [("usage", None, m, 2) for m in months])
    assert counter == 4
    assert "line 3 (month 2025-01, first billed by line 1)" in caplog.text
    assert "line 4 (month 2025-01, first billed by line 2)" in caplog.text
    assert closings == [(1, None), (2, "migration 0370")]
