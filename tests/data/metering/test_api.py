"""The metering HTTP API on loopback (real uvicorn server, real HTTP requests) and the CLI commands."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
import uvicorn
from sqlalchemy import func, select

from data import db
from data.metering import usage as metering
from data.metering.api import create_app
from data.metering.cli import main as meter_cli
from data.metering.usage import UsageEvent
from tests.conftest import _free_port, wait_for

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def event(event_id, *, source="svarut", type="svarut.shipment", subject="0301", quantity=3,
          time="2025-03-04T10:15:00Z"):
    return {"specversion": "1.0", "id": event_id, "source": source, "type": type, "subject": subject,
            "time": time, "datacontenttype": "application/json", "data": {"quantity": quantity}}


@pytest.fixture
def api(db_url, system):
    with db.session_scope(system) as s:
        metering.load_default_meters(s, system)
        _row, key = metering.create_api_key(s, system, "svarut")
        _row, other = metering.create_api_key(s, system, "digisos")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert wait_for(lambda: server.started, timeout=15), "API server did not start"
    yield {"url": f"http://127.0.0.1:{port}", "key": key, "other": other}
    server.should_exit = True
    thread.join(timeout=10)


def post(api, body, key=None, content_type="application/cloudevents-batch+json", raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(f"{api['url']}/v1/usage-events", data=data, method="POST",
                                     headers={"Content-Type": content_type})
    if key is not None:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def stored() -> int:
    with db.session_scope() as s:
        return s.scalar(select(func.count()).select_from(UsageEvent))


def test_valid_key_posts_a_batch_and_a_retry_counts_once(api):
    batch = [event("a"), event("b", quantity=4)]
    status, body = post(api, batch, api["key"])
    assert status == 200
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (2, 0, 0)
    status, body = post(api, batch, api["key"])  # the retried request
    assert status == 200
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (0, 2, 0)
    with db.session_scope() as s:
        [row] = metering.usage_by_month(s)
    assert row.quantity == 7 and row.events == 2


def test_wrong_or_missing_key_is_401_and_writes_nothing(api):
    status, body = post(api, [event("a")], api["key"][:-2] + "xx")
    assert status == 401 and body["error"] == "unauthorized"
    status, _ = post(api, [event("a")], None)
    assert status == 401
    assert stored() == 0


def test_malformed_body_is_400(api):
    status, body = post(api, None, api["key"], raw=b"[{not json")
    assert status == 400 and body["error"] == "malformed_json"
    status, body = post(api, [], api["key"])
    assert status == 400 and body["error"] == "not_a_batch"
    status, body = post(api, "text", api["key"])
    assert status == 400
    status, body = post(api, [event("a")], api["key"], content_type="text/plain")
    assert status == 415


def test_rejected_event_fails_the_whole_batch_with_reasons(api):
    status, body = post(api, [event("a"), event("b", subject="0000"), event("c", source="digisos")],
                        api["key"])
    assert status == 422
    assert (body["accepted"], body["rejected"]) == (0, 2)
    assert [(e["index"], e["id"], e["field"]) for e in body["errors"]] == [(2, "b", "subject"), (3, "c", "source")]
    assert stored() == 0


def test_key_is_limited_to_its_service_meters(api):
    status, body = post(api, [event("d1", source="digisos", type="svarut.shipment")], api["other"])
    assert status == 422 and body["errors"][0]["field"] == "type"
    status, body = post(api, [event("d2", source="digisos", type="digisos.application", quantity=1)], api["other"])
    assert status == 200 and body["accepted"] == 1


def test_single_structured_event_and_english_messages(api):
    request = urllib.request.Request(f"{api['url']}/v1/usage-events", data=json.dumps(event("x", quantity=-1)).encode(),
                                     method="POST", headers={"Content-Type": "application/cloudevents+json",
                                                             "Authorization": f"Bearer {api['key']}",
                                                             "Accept-Language": "en"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    body = json.loads(caught.value.read())
    assert caught.value.code == 422 and "is negative" in body["errors"][0]["reason"]


def test_openapi_description_lists_the_endpoint(api):
    with urllib.request.urlopen(f"{api['url']}/openapi.json", timeout=30) as response:
        spec = json.loads(response.read())
    operation = spec["paths"]["/v1/usage-events"]["post"]
    assert "application/cloudevents-batch+json" in operation["requestBody"]["content"]
    assert {"200", "401", "422"} <= set(operation["responses"])


# --- CLI ----------------------------------------------------------------------------------------
# Run through data.metering.cli.main (the same register_cli that admin/cli.py wires in), so these
# tests do not depend on other modules' commands.


def test_cli_ingest_summary_and_exit_codes(db_url, system, tmp_path, capsys):
    assert meter_cli(["meter", "meters", "load-defaults"]) == 0
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(json.dumps(event(f"g{i}")) for i in range(5)) + "\n")
    assert meter_cli(["meter", "ingest", str(good)]) == 0
    out = capsys.readouterr().out
    assert "Godtatt: 5, duplikater: 0, avvist: 0" in out
    assert meter_cli(["meter", "ingest", str(good)]) == 0
    assert "Godtatt: 0, duplikater: 5" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("specversion,id,source,type,subject,time,quantity\n"
                   "1.0,c1,svarut,svarut.shipment,0301,2025-03-05T10:00:00Z,7\n"
                   "1.0,c2,svarut,svarut.shipment,0301,2025-03-05T10:00:00Z,-7\n")
    assert meter_cli(["meter", "ingest", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "Linje 3, id c2, felt data.quantity" in captured.err
    assert "avvist: 1. Ingenting er lagret." in captured.out
    assert stored() == 5


def test_cli_keys_usage_and_close_month(db_url, tmp_path, capsys):
    assert meter_cli(["meter", "meters", "load-defaults"]) == 0
    assert meter_cli(["meter", "keys", "add", "svarut", "--label", "produksjon"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    key = lines[-1]
    with db.session_scope() as s:
        assert metering.verify_api_key(s, key).source == "svarut"
    assert meter_cli(["meter", "keys", "list"]) == 0
    assert "produksjon" in capsys.readouterr().out
    assert meter_cli(["meter", "close-month", "2025-01"]) == 0
    assert "januar 2025 er lukket" in capsys.readouterr().out
    assert meter_cli(["meter", "close-month", "2025-13"]) == 1
    assert "ikke en måned" in capsys.readouterr().err
    good = tmp_path / "u.jsonl"
    good.write_text(json.dumps(event("u1", time="2025-01-05T10:00:00Z")) + "\n")
    assert meter_cli(["meter", "ingest", str(good)]) == 0
    assert "(sene: 1)" in capsys.readouterr().out
    target = tmp_path / "usage.csv"
    assert meter_cli(["meter", "usage", "--from", "2025-01", "--to", "2025-01", "--csv", str(target)]) == 0
    content = target.read_text(encoding="utf-8-sig").splitlines()
    assert content[1].startswith("2025-01;") and content[1].endswith(";3;1;3")
    assert meter_cli(["meter", "check"]) == 0
    capsys.readouterr()
    with db.session_scope() as s:   # usage_event has no foreign keys: a broken reference shows in the check
        s.execute(UsageEvent.__table__.update().values(organisation_id=999_999))
        assert metering.orphan_events(s) == {"organisation": 1}
    assert meter_cli(["meter", "check"]) == 1
    assert "Hendelser som viser til en organisasjon som ikke finnes: 1." in capsys.readouterr().err
