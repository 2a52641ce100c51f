"""The metering HTTP API on loopback (real uvicorn server, real HTTP requests) and the CLI commands."""
from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import threading
import urllib.error
import urllib.request

import pytest
import uvicorn
from sqlalchemy import func, select

from data import db
from data.metering import ingest
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


def test_cli_ingest_goes_on_after_a_stopped_run_and_lists_batches(db_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("data.metering.ingest.FILE_CHUNK_SIZE", 1000)
    assert meter_cli(["meter", "meters", "load-defaults"]) == 0
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(event(f"b{i}", quantity=1)) + "\n" for i in range(2500)))
    original = ingest._Writer.write
    calls = {"n": 0}

    def write_then_stop(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt   # Ctrl-C while the second chunk is written
        return original(self, rows)

    monkeypatch.setattr(ingest._Writer, "write", write_then_stop)
    with pytest.raises(KeyboardInterrupt):
        meter_cli(["meter", "ingest", str(path)])
    capsys.readouterr()
    assert meter_cli(["meter", "batches"]) == 0
    assert "stoppet" in capsys.readouterr().out and stored() == 1000
    monkeypatch.setattr(ingest._Writer, "write", original)
    assert meter_cli(["meter", "ingest", str(path)]) == 0
    out = capsys.readouterr().out
    assert "fortsetter etter de 1\xa0000 hendelsene som alt er skrevet" in out
    assert "Godtatt: 2\xa0500, duplikater: 0, avvist: 0 (sene: 0). Lagret som innsending" in out and "i 3 deler" in out
    assert meter_cli(["meter", "batches"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert "fullført" in line and "2\xa0500 av 2\xa0500 i 3 deler" in line and "big.jsonl" in line
    with db.session_scope() as s:
        [row] = metering.usage_by_month(s)
    assert (row.quantity, row.events) == (2500, 2500)


# --- limits: the body's size, the events' times, what an error may echo ---------------------------


def asgi_post(chunks, key, language="nb"):
    """Call the app as the server does, with the body arriving in `chunks` (a chunked request has no
    Content-Length); returns (status, body, bytes of the body the app took in)."""
    app = create_app()
    taken = {"bytes": 0}
    pending = iter(chunks)
    messages = []

    async def receive():
        chunk = next(pending, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        taken["bytes"] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/usage-events", "raw_path": b"/v1/usage-events", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/json"), (b"authorization", f"Bearer {key}".encode()),
                         (b"transfer-encoding", b"chunked"), (b"accept-language", language.encode())],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8088)}
    # In its own thread: a worker that ran the browser tests has Playwright's event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, json.loads(body), taken["bytes"]


@pytest.fixture
def api_key(db_url, system):
    with db.session_scope(system) as s:
        metering.load_default_meters(s, system)
        return metering.create_api_key(s, system, "svarut")[1]


def test_a_chunked_body_is_read_only_up_to_the_byte_limit(api_key, monkeypatch):
    """The API read a whole chunked body before checking its size: 4 MiB sent in 16 KiB pieces against a
    64 KiB limit must be refused having taken in at most the limit and one piece more."""
    monkeypatch.setattr("data.metering.api.MAX_BODY_BYTES", 64 * 1024)
    piece = b" " * (16 * 1024)
    status, body, taken = asgi_post([b"["] + [piece] * 256, api_key)
    assert status == 413 and body["error"] == "too_large"
    assert taken <= 64 * 1024 + len(piece) + 1
    assert body["message"] == ("Innholdet er større enn 64 KiB. Grensen er 64 KiB og 10\xa0000 hendelser per "
                               "forespørsel: del innsendingen opp.")
    assert stored() == 0


def test_a_chunked_body_over_the_limit_gets_a_413_over_http(api, monkeypatch):
    monkeypatch.setattr("data.metering.api.MAX_BODY_BYTES", 64 * 1024)
    connection = http.client.HTTPConnection("127.0.0.1", int(api["url"].rsplit(":", 1)[1]), timeout=30)
    whole = json.dumps([event(f"c{i}") for i in range(600)]).encode()
    assert len(whole) > 100_000
    pieces = [whole[n:n + 8192] for n in range(0, len(whole), 8192)]
    connection.request("POST", "/v1/usage-events", body=iter(pieces), encode_chunked=True,
                       headers={"Content-Type": "application/json", "Authorization": f"Bearer {api['key']}",
                                "Accept-Language": "en"})
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    assert response.status == 413
    assert body["message"] == ("The body is larger than 64 KiB. The limit is 64 KiB and 10,000 events per request: "
                               "split the batch up.")
    assert stored() == 0


def test_the_413_for_too_many_events_states_the_real_limits(api):
    status, body = post(api, [{}] * 10_001, api["key"])
    assert status == 413
    assert body["message"] == ("Innsendingen har 10\xa0001 hendelser. Grensen er 10\xa0000 hendelser og 20 MiB per "
                               "forespørsel: del den opp.")
    request = urllib.request.Request(f"{api['url']}/v1/usage-events", data=b"[]", method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {api['key']}",
                                              "Content-Length": str(30 * 1024 * 1024)})
    with pytest.raises(urllib.error.HTTPError) as caught:   # refused by the declared length, before any reading
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 413
    assert json.loads(caught.value.read())["message"].startswith("Innholdet er større enn 20 MiB.")


def test_times_before_2000_or_in_the_future_are_rejected_with_a_reason(api):
    times = ["1900-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "1999-12-31T23:59:59.999999Z",
             "2000-01-01T00:30:00+01:00", "9999-12-31T23:59:59-05:00", "9999-12-31T10:00:00Z", "2000-01-01T00:00:00Z"]
    status, body = post(api, [event(f"t{i}", time=time) for i, time in enumerate(times)], api["key"])
    assert status == 422 and body["rejected"] == 6
    reasons = {e["index"]: (e["field"], e["reason"]) for e in body["errors"]}
    for index in (1, 2, 3, 4):
        assert reasons[index][0] == "time" and "er før 01.01.2000, det tidligste som godtas" in reasons[index][1]
    for index in (5, 6):
        assert reasons[index][0] == "time" and "fram i tid" in reasons[index][1]
    assert 7 not in reasons     # 1 January 2000, midnight UTC, is the first moment accepted
    assert stored() == 0


def test_rejected_values_are_cut_and_an_error_body_stays_small(api):
    huge = "x" * 300_000
    status, raw = post_raw(api, [event(huge), dict(event("s"), specversion=huge), dict(event("d"), datacontenttype=huge),
                                 dict(event("q"), data={"quantity": huge}), event("m", type="y" * 150)], api["key"])
    body = json.loads(raw)
    assert status == 422 and body["rejected"] == 5
    assert len(raw) < 4000
    by_index = {e["index"]: e for e in body["errors"]}
    assert by_index[1]["id"] == "x" * 80 + "…" and "lengre enn 200 tegn" in by_index[1]["reason"]
    assert f"«{'x' * 80}…»" in by_index[2]["reason"]
    assert f"«{'x' * 80}…»" in by_index[3]["reason"]
    assert f"«{'x' * 80}…»" in by_index[4]["reason"]
    assert f"«{'y' * 80}…»" in by_index[5]["reason"]

    many = [event(f"{i:05d}" + "z" * 1000, subject="0000") for i in range(2000)]
    status, raw = post_raw(api, many, api["key"])
    body = json.loads(raw)
    assert status == 422 and body["rejected"] == 2000
    assert (len(body["errors"]), body["errors_omitted"]) == (100, 1900)
    assert len(raw) < 64 * 1024
    assert stored() == 0


def post_raw(api, body, key):
    request = urllib.request.Request(f"{api['url']}/v1/usage-events", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
