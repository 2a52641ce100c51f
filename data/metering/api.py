"""HTTP ingest API for usage events: `POST /v1/usage-events` (FastAPI on uvicorn).

Each reporting service has its own API key (`backoffice meter keys add SOURCE`), sent as
`Authorization: Bearer <key>`. The body is a CloudEvents 1.0 batch (a JSON array of structured-mode
events, `application/cloudevents-batch+json` or `application/json`) or one event
(`application/cloudevents+json`). The batch is all-or-nothing:

- 200: every event accepted or a duplicate of one already received (a retried request is safe);
- 422: at least one event rejected, nothing written; `errors` lists each with its position and reason;
- 400: the body is not JSON, not an array of objects, or empty; 401: missing or wrong key;
- 413: more than MAX_EVENTS (10 000) events, or a body over MAX_BODY_BYTES (20 MiB). The body is read
  as it streams in and reading stops at the limit (a chunked body has no length to check first);
- 415: not a JSON content type.

What an event may say, besides its format: its `time` must lie between 1 January 2000 00:00 UTC
(`ingest.EARLIEST`: no platform usage is older, so an earlier time, such as 1900 or year 1, is a
sender's error) and five minutes from now (`ingest.CLOCK_SKEW`, for senders' clocks); outside it the
event is rejected with the reason. In an error, a rejected value is quoted up to 80 characters
(`ingest.SHOWN_CHARS`) and cut with "…"; a 422 lists at most MAX_ERRORS_SHOWN events and counts
the rest in `errors_omitted`, so an error body stays small whatever was sent.

Run with `backoffice meter api --host 127.0.0.1 --port 8088`; the OpenAPI description is at
`/openapi.json` (and `/docs`).
"""
from __future__ import annotations

import json
import logging

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from data import bootstrap, boundary, db, metering
from data.formatting import number
from data.i18n import set_language, t
from data.metering.ingest import shown
from data.metering.usage import ApiKeyInfo, BatchRejected, ingest_for_key, verify_api_key

log = logging.getLogger(__name__)

MAX_EVENTS = 10_000
MAX_BODY_BYTES = 20 * 1024 * 1024
MAX_ERRORS_SHOWN = 100
JSON_TYPES = ("application/json", "application/cloudevents-batch+json", "application/cloudevents+json")


class UsageData(BaseModel):
    quantity: int = Field(ge=0, description="How many units were used (letters, pages, look-ups, ...).")


class CloudEvent(BaseModel):
    """A usage event in CloudEvents 1.0 structured mode (for the OpenAPI description)."""

    specversion: str = Field("1.0", description="Always \"1.0\".")
    id: str = Field(description="Chosen by the sender, unique per source; (source, id) makes a retried event "
                                "count once. Prefer time-ordered ids (UUIDv7, ULID or a sequence): the key "
                                "index then grows at one end, and ingest is markedly faster than with random UUIDv4.",
                    max_length=200)
    source: str = Field(description="The reporting service; must be the API key's source.", max_length=200)
    type: str = Field(description="The meter code, e.g. svarut.shipment.", max_length=200)
    subject: str = Field(description="The organisation: organisation number (9 digits) or municipality "
                                     "number (4 digits).")
    time: str = Field(description="When the usage happened, RFC 3339 with offset, e.g. 2025-03-04T10:15:00Z.")
    datacontenttype: str | None = Field(None, description="application/json if given.")
    data: UsageData


class EventError(BaseModel):
    index: int = Field(description="1-based position of the event in the batch.")
    id: str | None
    field: str | None
    reason: str


class IngestResponse(BaseModel):
    batch_id: int | None
    received: int
    accepted: int
    duplicates: int
    rejected: int
    late: int = Field(description="Accepted events for months already closed for invoicing (corrections).")
    errors: list[EventError] = Field([], description=f"The first {MAX_ERRORS_SHOWN} rejected events, with the reason.")
    errors_omitted: int = Field(0, description="Rejected events not listed in `errors`.")


class Problem(BaseModel):
    error: str
    message: str


_ERROR_CODES = {"domain": "rejected", "stale": "conflict", "busy": "busy", "conflict": "conflict",
                "bad_value": "bad_value", "unavailable": "unavailable", "unexpected": "internal"}


def _problem(status: int, code: str, message: str, **headers) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers or None)


def _too_large(count: int | None = None) -> JSONResponse:
    """413 naming the real limits: the number of events when that was exceeded, else the body's size."""
    limits = {"max_events": number(MAX_EVENTS), "max_size": _size(MAX_BODY_BYTES)}
    if count is not None:
        return _problem(413, "too_large", t("meter.api_too_many_events", count=number(count), **limits))
    return _problem(413, "too_large", t("meter.api_body_too_large", **limits))


def _size(count: int) -> str:
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if count >= size and count % size == 0:
            return f"{number(count // size)} {unit}"
    return f"{number(count)} byte"


async def _read_body(request: Request) -> bytes | None:
    """The body as it streams in, or None as soon as it passes MAX_BODY_BYTES (the rest is never read)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    return bytes(body)


def _language(request: Request) -> str:
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "nb"


def _verify(key: str | None) -> ApiKeyInfo | None:
    with db.session_scope() as session:
        return verify_api_key(session, key)


def _ingest(key: ApiKeyInfo, events: list, language: str):
    set_language(language)
    try:
        with db.session_scope(actor=f"api:{key.source}") as session:
            return ingest_for_key(session, key, events), 200
    except BatchRejected as rejected:
        return rejected.result, 422


def create_app() -> FastAPI:
    bootstrap.install([metering])  # the audit hook and metering's messages, when served on its own
    app = FastAPI(
        title="Backoffice metering API",
        version="1.0",
        description="Report platform usage as CloudEvents 1.0 batches. Idempotent on (source, id); "
                    "all-or-nothing per request.",
    )

    @app.exception_handler(Exception)
    async def any_error(request: Request, error: Exception) -> JSONResponse:
        """The one error boundary (data/boundary.py): a plain message with an error id, the detail logged;
        never a traceback, SQL or parameters in the answer."""
        set_language(_language(request))
        failure = boundary.handle(error, where=f"api {request.method} {request.url.path}")
        headers = {"Retry-After": "5"} if failure.kind in ("busy", "unavailable") else None
        body = {"error": _ERROR_CODES.get(failure.kind, "internal"), "message": failure.message}
        if failure.error_id:
            body["error_id"] = failure.error_id
        return JSONResponse(body, status_code=failure.status, headers=headers)

    @app.get("/v1/health", tags=["health"])
    def health() -> dict:
        return {"status": "ok"}

    @app.post(
        "/v1/usage-events",
        tags=["usage"],
        response_model=IngestResponse,
        responses={400: {"model": Problem}, 401: {"model": Problem}, 413: {"model": Problem},
                   415: {"model": Problem}, 422: {"model": IngestResponse}},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/cloudevents-batch+json": {"schema": {"type": "array", "items": CloudEvent.model_json_schema(
                ref_template="#/components/schemas/{model}")}},
            "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/CloudEvent"}}},
            "application/cloudevents+json": {"schema": {"$ref": "#/components/schemas/CloudEvent"}},
        }}},
        summary="Report a batch of usage events",
    )
    async def post_usage_events(request: Request):
        language = _language(request)
        set_language(language)
        authorization = request.headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        key = await run_in_threadpool(_verify, token.strip() if scheme.lower() == "bearer" else None)
        if key is None:
            return _problem(401, "unauthorized", t("meter.api_unauthorized"), **{"WWW-Authenticate": "Bearer"})
        content_type = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
        if content_type not in JSON_TYPES:
            return _problem(415, "unsupported_media_type", t("meter.api_content_type", value=shown(content_type)))
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return _too_large()
        body = await _read_body(request)
        if body is None:
            return _too_large()
        try:
            payload = json.loads(body)
        except ValueError as exc:
            return _problem(400, "malformed_json", t("meter.api_malformed", problem=shown(str(exc))))
        events = [payload] if isinstance(payload, dict) else payload
        if not isinstance(events, list) or not events:
            return _problem(400, "not_a_batch", t("meter.api_not_batch"))
        if len(events) > MAX_EVENTS:
            return _too_large(len(events))
        result, status = await run_in_threadpool(_ingest, key, events, language)
        log.info("usage batch from %s: %s accepted, %s duplicates, %s rejected", key.source, result.accepted,
                 result.duplicates, result.rejected)
        return JSONResponse(result.as_dict(MAX_ERRORS_SHOWN), status_code=status)

    return app


def serve(host: str = "127.0.0.1", port: int = 8088) -> None:
    uvicorn.run(create_app(), host=host, port=port, log_level="info")
