"""What an EHF invoice needs beyond the invoice basis (issue 21), and who may change it.

- **The seller** (`SupplierSettings`, one row): the department's organisation number, name, address,
  VAT registration, bank account, contact and payment terms. Admin and finance edit it
  (`invoicing.settings.write`).
- **The buyer** (`EhfRecipient`, per organisation): the invoice address (empty: the postal address from
  Enhetsregisteret in the organisation register), the Peppol participant id (scheme 0192, the
  Norwegian organisation number, unless another id is set) and the buyer's reference ("Deres ref").
  The main agreement's `buyer_reference` wins over the organisation's own. Admin and finance edit them.
- **VAT per price list** (`PriceListVat`): standard rated 25 % ("S") unless finance sets exempt ("E") or
  outside the scope of VAT ("O"), the last two with the reason text Peppol requires (`pricing.write`).

`missing_for_run` lists, by name, every organisation of a run (and the seller) that lacks what an EHF
requires, before anything is exported: Peppol's rules are not the place to find out.
"""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.models import MainAgreement
from data.access import Actor
from data.crud import ensure_version, not_found
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.i18n import t
from data.registers.models import Organisation, Service
from data.registers.registry import find_organisation, org_number_problem
from pricing.invoicing.kid import METHODS
from pricing.invoicing.models import EhfRecipient, InvoiceLine, InvoiceRun, SupplierSettings
from pricing.models import PriceList, PriceListVat

SETTINGS_ID = 1
VAT_CATEGORIES = ("S", "E", "O")
STANDARD_VAT = ("S", Decimal("25.00"), "")
DEFAULT_SCHEME = "0192"       # Norwegian organisation number in Peppol's ICD list
PAGE_ROLES = frozenset({"admin", "finance", "leader"})   # see the settings page; the leader only reads


def bank_account_ok(value: str) -> bool:
    """A Norwegian bank account: 11 digits, the last a MOD11 check digit (weights 5 4 3 2 7 6 5 4 3 2)."""
    digits = value.replace(".", "").replace(" ", "")
    if len(digits) != 11 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True))
    check = 11 - total % 11
    return check != 10 and (0 if check == 11 else check) == int(digits[10])


# --- the seller ----------------------------------------------------------------------------------------


class SupplierIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    org_number: str = Field(min_length=9, max_length=11)
    name: str = Field(min_length=2, max_length=200)
    street: str = Field(min_length=2, max_length=200)
    postal_code: str = Field(min_length=4, max_length=10)
    city: str = Field(min_length=2, max_length=100)
    vat_registered: bool = True
    foretaksregisteret: bool = False
    bank_account: str = Field(min_length=11, max_length=13)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=200)
    contact_phone: str = Field(default="", max_length=40)
    payment_terms_days: int = Field(default=30, ge=0, le=120)
    kid_method: str = "mod10"
    note: str = Field(default="", max_length=1000)
    version: int | None = None

    @field_validator("org_number")
    @classmethod
    def _org_number(cls, value: str) -> str:
        value = value.replace(" ", "")
        problem = org_number_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("bank_account")
    @classmethod
    def _account(cls, value: str) -> str:
        if not bank_account_ok(value):
            raise ValueError(t("ehf.bad_account", value=value))
        return value.replace(".", "").replace(" ", "")

    @field_validator("kid_method")
    @classmethod
    def _kid(cls, value: str) -> str:
        if value not in METHODS:
            raise ValueError(t("ehf.bad_kid_method", value=value))
        return value


def get_supplier(session: Session) -> SupplierSettings | None:
    return session.get(SupplierSettings, SETTINGS_ID)


def save_supplier(session: Session, actor: Actor, payload) -> SupplierSettings:
    """Admin or finance set the seller's details of every EHF issued from now on."""
    actor.require("invoicing.settings.write")
    data = validate(SupplierIn, payload)
    row = get_supplier(session)
    if row is None:
        row = SupplierSettings(id=SETTINGS_ID)
        session.add(row)
    else:
        ensure_version(row, data.version, t("ehf.supplier_title"))
    for key, value in data.model_dump(exclude={"version"}).items():
        setattr(row, key, value)
    row.country, row.updated_by, row.updated_at = "NO", actor.username, utcnow()
    session.flush()
    return row


def supplier_missing(row: SupplierSettings | None) -> list[str]:
    if row is None:
        return [t("ehf.missing.supplier")]
    wanted = {"org_number": row.org_number, "name": row.name, "street": row.street, "postal_code": row.postal_code,
              "city": row.city, "bank_account": row.bank_account}
    return [t(f"ehf.field.{key}") for key, value in wanted.items() if not (value or "").strip()]


# --- the buyer -------------------------------------------------------------------------------------------


class RecipientIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    organisation: str = Field(min_length=1, max_length=200)     # org number, municipality number or name
    # None: keep what is stored; "": clear it (the register's address, the organisation number)
    street: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=10)
    city: str | None = Field(default=None, max_length=100)
    endpoint_scheme: str = Field(default=DEFAULT_SCHEME, pattern=r"^[0-9]{4}$")
    endpoint_id: str | None = Field(default=None, max_length=50)
    buyer_reference: str | None = Field(default=None, max_length=200)
    agreement_reference: str | None = Field(default=None, max_length=200)   # on the main agreement
    version: int | None = None


def _organisation(session: Session, key: str) -> Organisation:
    org = find_organisation(session, key)
    if org is None:
        raise not_found("inv.org_not_found", key=key)
    return org


def save_recipient(session: Session, actor: Actor, payload) -> EhfRecipient:
    """Admin or finance record an organisation's invoice address, Peppol id and buyer's reference (and,
    with `agreement_reference`, the reference of its main agreement)."""
    actor.require("invoicing.settings.write")
    data = validate(RecipientIn, payload)
    org = _organisation(session, data.organisation)
    if data.endpoint_scheme == DEFAULT_SCHEME and data.endpoint_id and org_number_problem(data.endpoint_id):
        raise BackofficeError(t("ehf.bad_endpoint", value=data.endpoint_id, name=org.name))
    row = session.scalar(select(EhfRecipient).where(EhfRecipient.organisation_id == org.id))
    if row is None:
        row = EhfRecipient(organisation_id=org.id)
        session.add(row)
    else:
        ensure_version(row, data.version, org.name)
    for key in ("street", "postal_code", "city", "endpoint_id"):
        if getattr(data, key) is not None:
            setattr(row, key, getattr(data, key) or None)
    row.endpoint_scheme = data.endpoint_scheme
    if data.buyer_reference is not None or row.buyer_reference is None:
        row.buyer_reference = data.buyer_reference or ""
    if data.agreement_reference is not None:
        agreement = session.scalar(select(MainAgreement).where(MainAgreement.organisation_id == org.id))
        if agreement is None:
            raise BackofficeError(t("ehf.no_main_agreement", name=org.name))
        agreement.buyer_reference = data.agreement_reference or None
    session.flush()
    return row


def buyers(session: Session, organisation_ids) -> dict[int, dict]:
    """What each organisation's EHF says about the buyer, and what is missing (`missing`, plain words)."""
    ids = sorted({int(i) for i in organisation_ids})
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    recipients = {r.organisation_id: r for r in session.scalars(
        select(EhfRecipient).where(EhfRecipient.organisation_id.in_(ids)))}
    agreement_refs = dict(session.execute(select(MainAgreement.organisation_id, MainAgreement.buyer_reference)
                                          .where(MainAgreement.organisation_id.in_(ids))).all())
    out = {}
    for org_id in ids:
        org, rec = orgs.get(org_id), recipients.get(org_id)
        if org is None:
            continue
        street = (rec.street if rec and rec.street else org.postal_address) or ""
        postal_code = (rec.postal_code if rec and rec.postal_code else org.postal_code) or ""
        city = (rec.city if rec and rec.city else org.postal_place) or ""
        scheme = rec.endpoint_scheme if rec else DEFAULT_SCHEME
        endpoint = (rec.endpoint_id if rec and rec.endpoint_id else org.org_number) or ""
        reference = (agreement_refs.get(org_id) or "").strip() or (rec.buyer_reference.strip() if rec else "")
        missing = []
        if not org.org_number or org_number_problem(org.org_number):
            missing.append(t("ehf.field.org_number"))
        for key, value in (("street", street), ("postal_code", postal_code), ("city", city)):
            if not value.strip():
                missing.append(t(f"ehf.field.{key}"))
        if not endpoint or (scheme == DEFAULT_SCHEME and org_number_problem(endpoint)):
            missing.append(t("ehf.field.endpoint"))
        if not reference:
            missing.append(t("ehf.field.buyer_reference"))
        out[org_id] = {"organisation_id": org_id, "name": org.registered_name or org.name, "display_name": org.name,
                       "org_number": org.org_number or "", "street": street, "postal_code": postal_code,
                       "city": city, "country": "NO", "endpoint_scheme": scheme, "endpoint_id": endpoint,
                       "buyer_reference": reference, "contact_email": org.contact_email or "", "missing": missing,
                       "version": rec.version if rec else None}
    return out


# --- VAT per price list ------------------------------------------------------------------------------------


class VatIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    service: str = Field(min_length=1, max_length=40)
    year: int = Field(ge=2000, le=2100)
    number: int | None = Field(default=None, ge=1)      # the list's version; None: the one in force
    category: str = "S"
    rate_percent: Decimal = Field(default=Decimal("25"), ge=0, le=100)
    exemption_reason: str = Field(default="", max_length=300)
    version: int | None = None


def set_price_list_vat(session: Session, actor: Actor, payload) -> PriceListVat:
    """Finance sets the VAT of an approved price list's prices (documents already issued keep theirs)."""
    actor.require("pricing.write")
    data = validate(VatIn, payload)
    if data.category not in VAT_CATEGORIES:
        raise BackofficeError(t("ehf.bad_vat_category", value=data.category))
    if data.category in ("E", "O") and not data.exemption_reason:
        raise BackofficeError(t("ehf.vat_reason_needed", category=t(f"ehf.vat.{data.category}")))
    if data.category == "S" and data.rate_percent <= 0:
        raise BackofficeError(t("ehf.vat_rate_needed"))
    query = (select(PriceList).join(Service, Service.id == PriceList.service_id)
             .where(Service.code == data.service, PriceList.year == data.year))
    if data.number:
        query = query.where(PriceList.number == data.number)
    price_list = session.scalar(query.order_by(PriceList.number.desc()).limit(1))
    if price_list is None:
        raise not_found("ehf.price_list_not_found", service=data.service, year=data.year)
    row = session.scalar(select(PriceListVat).where(PriceListVat.price_list_id == price_list.id))
    if row is None:
        row = PriceListVat(price_list_id=price_list.id)
        session.add(row)
    else:
        ensure_version(row, data.version, t("ehf.vat_title"))
    row.category = data.category
    row.rate_percent = Decimal(0) if data.category in ("E", "O") else data.rate_percent.quantize(Decimal("0.01"))
    row.exemption_reason = "" if data.category == "S" else data.exemption_reason
    session.flush()
    return row


def vat_by_list(session: Session, price_list_ids=None) -> dict[int, tuple[str, Decimal, str]]:
    """{price list id: (category, rate, exemption reason)} for the lists with a VAT row (others: standard)."""
    query = select(PriceListVat)
    if price_list_ids is not None:
        query = query.where(PriceListVat.price_list_id.in_(list(price_list_ids)))
    return {r.price_list_id: (r.category, Decimal(r.rate_percent), r.exemption_reason)
            for r in session.scalars(query)}


def vat_of_lines(session: Session, lines: list[InvoiceLine]) -> dict[int, tuple[str, Decimal, str]]:
    """Each line's VAT, from the price list that priced it (service, year, version)."""
    keys = {(x.service_id, x.year, x.price_list_number) for x in lines}
    lists = {}
    for service_id, year, number in keys:
        if number is None:
            continue
        list_id = session.scalar(select(PriceList.id).where(PriceList.service_id == service_id,
                                                            PriceList.year == year, PriceList.number == number))
        lists[(service_id, year, number)] = list_id
    vat = vat_by_list(session, [i for i in lists.values() if i is not None])
    return {x.id: vat.get(lists.get((x.service_id, x.year, x.price_list_number)), STANDARD_VAT) for x in lines}


def vat_label(category: str, rate, reason: str = "") -> str:
    if category == "S":
        return t("ehf.vat.S_rate", rate=f"{Decimal(rate).normalize():f}".replace(".", ","))
    return t(f"ehf.vat.{category}") + (f" ({reason})" if reason else "")


# --- reads for the settings page -----------------------------------------------------------------------------


def supplier_values(session: Session) -> dict | None:
    """The seller's stored settings as plain values (with `version`), or None before they are registered."""
    row = get_supplier(session)
    if row is None:
        return None
    keys = [*SupplierIn.model_fields, "updated_by", "updated_at"]
    return {k: getattr(row, k) for k in keys if k != "version"} | {"version": row.version,
                                                                   "missing": supplier_missing(row)}


def recipient_rows(session: Session, organisation_ids) -> list[dict]:
    """Per organisation what its EHF will say about the buyer (`buyers`) and what is stored to edit: the
    invoice address and Peppol id set here (empty: the register's, the organisation number), the
    organisation's own reference, its main agreement's reference, and the register's postal address."""
    out = buyers(session, organisation_ids)
    ids = list(out)
    stored = {r.organisation_id: r for r in session.scalars(
        select(EhfRecipient).where(EhfRecipient.organisation_id.in_(ids)))}
    agreements = dict(session.execute(select(MainAgreement.organisation_id, MainAgreement.buyer_reference)
                                      .where(MainAgreement.organisation_id.in_(ids))).all())
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
    rows = []
    for org_id, buyer in out.items():
        rec, org = stored.get(org_id), orgs[org_id]
        rows.append({**buyer, "municipality_number": org.municipality_number or "",
                     "own_street": (rec.street if rec else None) or "",
                     "own_postal_code": (rec.postal_code if rec else None) or "",
                     "own_city": (rec.city if rec else None) or "",
                     "own_endpoint_id": (rec.endpoint_id if rec else None) or "",
                     "own_reference": rec.buyer_reference if rec else "",
                     "has_agreement": org_id in agreements, "agreement_reference": agreements.get(org_id) or "",
                     "register_address": ", ".join(p for p in (org.postal_address, " ".join(
                         p for p in (org.postal_code, org.postal_place) if p)) if p)})
    return sorted(rows, key=lambda r: (r["display_name"], r["org_number"]))


def vat_rows(session: Session, year: int | None = None) -> list[dict]:
    """Every approved price list (newest year first) with its VAT on EHF invoices (none set: standard 25 %),
    whether it is the version in force, and the VAT row's `version` (None: not set yet)."""
    query = (select(PriceList.id, Service.code, Service.name, PriceList.year, PriceList.number, PriceListVat)
             .join(Service, Service.id == PriceList.service_id)
             .outerjoin(PriceListVat, PriceListVat.price_list_id == PriceList.id)
             .order_by(PriceList.year.desc(), Service.name, PriceList.number.desc()))
    if year:
        query = query.where(PriceList.year == year)
    rows, seen = [], set()
    for list_id, code, name, list_year, number, vat in session.execute(query):
        category, rate, reason = (vat.category, Decimal(vat.rate_percent), vat.exemption_reason) if vat \
            else STANDARD_VAT
        rows.append({"price_list_id": list_id, "service": code, "service_name": name, "year": list_year,
                     "number": number, "in_force": (code, list_year) not in seen, "category": category,
                     "rate_percent": rate, "exemption_reason": reason, "label": vat_label(category, rate, reason),
                     "version": vat.version if vat else None})
        seen.add((code, list_year))
    return rows


# --- what is missing before a run can be exported -------------------------------------------------------------


def missing_for_run(session: Session, run: InvoiceRun) -> list[dict]:
    """Who lacks what an EHF requires for this run: the seller first ("organisation_id" None), then every
    organisation of the run by name, each with the fields missing (an empty list: ready to export)."""
    out = []
    seller = get_supplier(session)
    supplier = supplier_missing(seller)
    lines = list(session.scalars(select(InvoiceLine).where(InvoiceLine.run_id == run.id)))
    vat = vat_of_lines(session, lines)
    if seller is not None and not seller.vat_registered and any(v[0] != "O" for v in vat.values()):
        supplier.append(t("ehf.missing.not_vat_registered"))
    if supplier:
        out.append({"organisation_id": None, "name": t("ehf.supplier_title"), "org_number": "",
                    "missing": ", ".join(supplier)})
    categories: dict[int, set[str]] = {}
    for x in lines:
        categories.setdefault(x.organisation_id, set()).add(vat[x.id][0])
    for org_id, buyer in sorted(buyers(session, categories).items(), key=lambda kv: (kv[1]["display_name"], kv[0])):
        missing = list(buyer["missing"])
        if "O" in categories[org_id] and len(categories[org_id]) > 1:
            missing.append(t("ehf.missing.mixed_outside_scope"))
        if missing:
            out.append({"organisation_id": org_id, "name": buyer["display_name"], "org_number": buyer["org_number"],
                        "missing": ", ".join(missing)})
    return out
