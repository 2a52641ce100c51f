"""Small builders for agreement tests (through the capability functions, as a user would)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from agreements import agreements, appendices
from agreements.models import MainAgreement, ServiceAppendix
from data.registers.models import Organisation
from tests.conftest import make_actor

OWNER = make_actor("product_owner", username="po", owned=("svarut", "digisos", "minside", "fiks-io"))


def municipality(session, number: str) -> Organisation:
    return session.scalar(select(Organisation).where(Organisation.municipality_number == number,
                                                     Organisation.kind == "municipality"))


def county_municipality(session, county: str) -> Organisation:
    return session.scalar(select(Organisation).where(Organisation.county_number == county,
                                                     Organisation.kind == "county_municipality"))


def sign_main(session, org: Organisation, signed: date = date(2015, 1, 1), actor=OWNER) -> MainAgreement:
    return agreements.save_main_agreement(session, actor, {
        "organisation_id": org.id, "status": "signed", "signed_date": signed, "signatory": "Kari Nordmann",
        "template_version": "3.0", "document_ref": f"AVT-{org.id}"})


def add_appendix(session, org: Organisation, service: str, start: date, end: date | None = None,
                 status: str | None = None, version: str = "1.0", actor=OWNER) -> ServiceAppendix:
    status = status or ("terminated" if end else "signed")
    return appendices.save_appendix(session, actor, {
        "organisation_id": org.id, "service_code": service, "appendix_version": version, "status": status,
        "signed_date": start if status in ("signed", "terminated") else None, "start_date": start,
        "end_date": end, "price_model": "per_inhabitant"})


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))
