"""Migration 0410 on a database made before a sent-back calculation had fields of its own: a draft whose note
starts with the return line ("Sendt tilbake av <user>: <reason>", or the English one) gets it moved into
`sent_back_by/at/reason` (the time from the audit log's entry for that return, where there is one) and keeps the
rest of its note; calculations submitted again, approved or with a note of finance's own are left as they are.
Downgrading writes the line back. On both databases."""
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from data import db, schema

pytestmark = pytest.mark.both_databases

RETURNED_AT = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)


def _calculation(calc_id: int, status: str, note: str) -> dict:
    return {"id": calc_id, "service_id": 1, "year": 2027, "number": calc_id, "status": status, "basis": "budget",
            "note": note, "inputs": {}, "result": {}, "self_cost_ore": 100_000, "expected_revenue_ore": 100_000,
            "created_by": "okonomi", "created_at": datetime(2026, 10, 1, tzinfo=UTC), "version": 1}


def _utc(value: datetime | None) -> datetime | None:
    """A reflected timestamp as UTC (SQLite stores UTC without its zone)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _rows(engine) -> dict[int, dict]:
    tables = sa.MetaData()
    tables.reflect(bind=engine, only=["pricing_calculation"])
    calc = tables.tables["pricing_calculation"]
    with engine.connect() as connection:
        return {row.id: dict(row._mapping) for row in connection.execute(sa.select(calc).order_by(calc.c.id))}


def test_upgrade_moves_the_return_out_of_the_note_and_downgrade_puts_it_back(empty_url):
    engine = db.make_engine(empty_url)
    schema.upgrade(engine, "0380")
    tables = sa.MetaData()
    tables.reflect(bind=engine, only=["service", "pricing_calculation", "audit_log"])
    with engine.begin() as connection:
        connection.execute(tables.tables["service"].insert(), {"id": 1, "code": "svarut", "name": "SvarUt",
                                                              "description": "", "status": "active", "version": 1})
        connection.execute(tables.tables["pricing_calculation"].insert(), [
            _calculation(1, "draft", "Sendt tilbake av leder: Bruk befolkningen per 1.1.2026\nBudsjett 2027"),
            _calculation(2, "draft", "Sent back by leder: Wrong year"),
            _calculation(3, "awaiting_approval", "Sendt tilbake av leder: Feil år\nRettet"),   # submitted again
            _calculation(4, "draft", "Budsjett 2027: sendt tilbake av leder i fjor"),           # finance's own note
            _calculation(5, "approved", "Sendt tilbake av leder: Feil år\nVedtatt")])
        connection.execute(tables.tables["audit_log"].insert(), [   # the return of calculation 1, and an older one
            {"seq": 1, "at": datetime(2026, 10, 2, tzinfo=UTC), "actor": "leder", "action": "update",
             "table_name": "pricing_calculation", "row_id": "1", "prev_hash": "0" * 64, "hash": "1" * 64,
             "changes": json.dumps({"status": {"before": "awaiting_approval", "after": "draft"}})},
            {"seq": 2, "at": datetime(2026, 10, 10, tzinfo=UTC), "actor": "okonomi", "action": "update",
             "table_name": "pricing_calculation", "row_id": "1", "prev_hash": "1" * 64, "hash": "2" * 64,
             "changes": json.dumps({"status": {"before": "draft", "after": "awaiting_approval"}})},
            {"seq": 3, "at": RETURNED_AT, "actor": "leder", "action": "update",
             "table_name": "pricing_calculation", "row_id": "1", "prev_hash": "2" * 64, "hash": "3" * 64,
             "changes": json.dumps({"status": {"before": "awaiting_approval", "after": "draft"}})}])

    schema.upgrade(engine, "0410")
    rows = _rows(engine)
    returns = {i: (r["sent_back_by"], _utc(r["sent_back_at"]), r["sent_back_reason"], r["note"])
               for i, r in rows.items()}
    assert returns == {
        1: ("leder", RETURNED_AT, "Bruk befolkningen per 1.1.2026", "Budsjett 2027"),
        2: ("leder", None, "Wrong year", ""),                          # no audit entry: when is not known
        3: (None, None, None, "Sendt tilbake av leder: Feil år\nRettet"),
        4: (None, None, None, "Budsjett 2027: sendt tilbake av leder i fjor"),
        5: (None, None, None, "Sendt tilbake av leder: Feil år\nVedtatt")}

    config = schema.alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0380")
    rows = _rows(engine)
    engine.dispose()
    assert "sent_back_reason" not in rows[1]
    assert {i: r["note"] for i, r in rows.items()} == {
        1: "Sendt tilbake av leder: Bruk befolkningen per 1.1.2026\nBudsjett 2027",
        2: "Sendt tilbake av leder: Wrong year",
        3: "Sendt tilbake av leder: Feil år\nRettet",
        4: "Budsjett 2027: sendt tilbake av leder i fjor",
        5: "Sendt tilbake av leder: Feil år\nVedtatt"}
