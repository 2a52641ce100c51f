"""EHF invoices and credit notes (Peppol BIS Billing 3.0, UBL 2.1) from approved invoice runs (issue 21).

Rules, so that every document can be checked by hand:

- **One document per organisation and run.** A regular or rebill run gives each organisation one UBL
  Invoice with all its lines of the run; a credit run gives each organisation one UBL CreditNote whose
  `BillingReference/InvoiceDocumentReference` names the invoice it credits (the invoice of the credited
  run, issued first if it was not yet). The rebill of a credit-and-rebill is a new invoice. An
  organisation whose lines of a regular run sum to less than zero (late usage corrected downwards) gets a
  credit note without a reference.
- **Issued once, numbered for good.** `issue_documents` numbers the documents of a run from the locked
  counter row `ehf_document` (like the run counter of `runs.py`): unique, never reused, stored in
  `EhfDocument` with the seller, the buyer and each line's VAT as they were then (`snapshot`). Issuing
  again issues nothing new. The issue date is the run's approval date; the due date adds the seller's
  payment terms; the KID is the document number (8 digits) with a MOD10 (Luhn) check digit, or MOD11
  if the settings say so (`pricing.invoicing.kid`).
- **Pure.** `document_xml` is a function of the stored row and the run's stored lines: the same bytes
  every time, whatever changed in the settings since.
- **Amounts to the øre.** Each line's amount is the stored line's `amount_ore` (a credit note shows the
  credited amounts as positive). VAT per category and rate: round half up (taxable × rate / 100) to
  øre, once per category (EN 16931 BR-CO-17); the document's total excluding VAT is the sum of its
  lines, so the documents of a run sum to the run's total and each to the organisation's invoice basis.
  A line is written with its quantity and unit price when they give its amount within 1 øre (Peppol's
  rule R120 allows 2); otherwise (a minimum fee) as 1 unit at the line's amount.
- **Escaping.** XML is built with `xml.etree.ElementTree`; no text from users is pasted into a template.
"""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.etree import ElementTree as ET

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from data.access import Actor
from data.errors import BackofficeError
from data.i18n import t
from data.locking import lock
from pricing.invoicing import kid as kids
from pricing.invoicing import settings
from pricing.invoicing.models import Counter, EhfDocument, InvoiceLine, InvoiceRun
from pricing.invoicing.runs import get_run

COUNTER = "ehf_document"
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NS = {"Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
      "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"}
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CURRENCY = "NOK"
RULES_VERSION = "Peppol BIS Billing 3.0.19 (May 2025) and CEN EN 16931 UBL 1.3.14.1"


# --- money and numbers ------------------------------------------------------------------------------------


def kr(ore: int) -> str:
    """øre -> "1234.50" (two decimals, as BR-DEC rules require)."""
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100}.{abs(ore) % 100:02d}"


def plain(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def vat_ore(taxable_ore: int, rate: Decimal) -> int:
    """VAT of one category in øre: taxable × rate / 100, rounded half up (away from zero) once."""
    return int((Decimal(taxable_ore) * Decimal(rate) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def vat_breakdown(amounts: list[tuple[int, str, Decimal, str]]) -> list[dict]:
    """[(amount øre, category, rate, reason)] -> one subtotal per (category, rate, reason), in that order."""
    groups: dict[tuple, int] = {}
    for amount, category, rate, reason in amounts:
        key = (category, Decimal(rate).quantize(Decimal("0.01")), reason)
        groups[key] = groups.get(key, 0) + amount
    return [{"category": c, "rate": r, "reason": reason, "taxable_ore": taxable, "vat_ore": vat_ore(taxable, r)}
            for (c, r, reason), taxable in sorted(groups.items())]


# --- issuing ------------------------------------------------------------------------------------------------


def _may_export(actor: Actor) -> None:
    """Finance (who prepares runs) and the leader (who approves them) issue and export documents."""
    if not actor.can("invoices.approve"):
        actor.require("pricing.write")


def _ensure_counter(session: Session) -> None:
    table = Counter.__table__
    dialect_insert = sqlite_insert if session.connection().dialect.name == "sqlite" else postgresql_insert
    start = select(func.coalesce(func.max(EhfDocument.number), 0)).scalar_subquery()
    session.execute(dialect_insert(table).values(name=COUNTER, value=start)
                    .on_conflict_do_nothing(index_elements=[table.c.name]))


def _next_number(session: Session) -> int:
    table = Counter.__table__
    return session.execute(update(table).where(table.c.name == COUNTER).values(value=table.c.value + 1)
                           .returning(table.c.value)).scalar_one()


def _supplier_snapshot(row) -> dict:
    keys = ("org_number", "name", "street", "postal_code", "city", "country", "vat_registered", "foretaksregisteret",
            "bank_account", "contact_name", "contact_email", "contact_phone", "payment_terms_days", "kid_method")
    return {k: getattr(row, k) for k in keys}


def documents_of_run(session: Session, run: InvoiceRun) -> dict[int, EhfDocument]:
    return {d.organisation_id: d for d in session.scalars(select(EhfDocument).where(EhfDocument.run_id == run.id))}


def _refuse_missing(session: Session, run: InvoiceRun) -> None:
    missing = settings.missing_for_run(session, run)
    if missing:
        shown = "; ".join(f"{m['name']}" + (f" ({m['org_number']})" if m["org_number"] else "") + f": {m['missing']}"
                          for m in missing[:10])
        more = t("inv.problem.more", count=len(missing) - 10) if len(missing) > 10 else ""
        raise BackofficeError(t("ehf.missing_refused", number=run.number, count=len(missing), list=shown + more))


def issue_documents(session: Session, actor: Actor, number: int) -> list[EhfDocument]:
    """Number and store the EHF documents of approved run `number` that are not issued yet (every one, or
    none: refused while the seller or an organisation lacks what an EHF requires). Returns the run's
    documents, ordered by number."""
    _may_export(actor)
    run = get_run(session, number)
    credited_run = session.get(InvoiceRun, run.credits_run_id) if run.credits_run_id else None
    _refuse_missing(session, run)
    if credited_run is not None:
        _refuse_missing(session, credited_run)
    lock(session)
    _ensure_counter(session)
    lock(session, select(Counter.value).where(Counter.name == COUNTER))
    if credited_run is not None:
        _issue(session, actor, credited_run, None)
    _issue(session, actor, run, credited_run)
    return sorted(documents_of_run(session, run).values(), key=lambda d: d.number)


def _issue(session: Session, actor: Actor, run: InvoiceRun, credited_run: InvoiceRun | None) -> None:
    existing = documents_of_run(session, run)
    lines = list(session.scalars(select(InvoiceLine).where(InvoiceLine.run_id == run.id).order_by(InvoiceLine.id)))
    by_org: dict[int, list[InvoiceLine]] = {}
    for x in lines:
        by_org.setdefault(x.organisation_id, []).append(x)
    todo = [org_id for org_id in by_org if org_id not in existing]
    if not todo:
        return
    supplier = settings.get_supplier(session)
    buyers = settings.buyers(session, todo)
    vat = settings.vat_of_lines(session, lines)
    credited_docs = documents_of_run(session, credited_run) if credited_run is not None else {}
    issue_date = run.approved_at.date()
    for org_id in sorted(todo, key=lambda i: (buyers[i]["display_name"], i)):
        org_lines = by_org[org_id]
        total = sum(x.amount_ore for x in org_lines)
        is_credit = run.kind == "credit" or total < 0
        sign = -1 if is_credit else 1
        breakdown = vat_breakdown([(sign * x.amount_ore, *vat[x.id]) for x in org_lines])
        vat_total = sum(b["vat_ore"] for b in breakdown)
        doc_number = _next_number(session)
        credits = credited_docs.get(org_id) if run.kind == "credit" else None
        buyer = {k: v for k, v in buyers[org_id].items() if k not in ("missing", "version")}
        session.add(EhfDocument(
            number=doc_number, kind="credit_note" if is_credit else "invoice", run_id=run.id, organisation_id=org_id,
            credits_document_id=credits.id if credits is not None else None, issue_date=issue_date,
            due_date=issue_date + timedelta(days=supplier.payment_terms_days),
            kid=kids.kid(doc_number, supplier.kid_method), total_excl_ore=total, total_vat_ore=sign * vat_total,
            total_incl_ore=total + sign * vat_total,
            snapshot={"supplier": _supplier_snapshot(supplier), "buyer": buyer,
                      "credits_number": credits.number if credits is not None else None,
                      "credits_issue_date": credits.issue_date.isoformat() if credits is not None else None,
                      "vat": {str(x.id): [vat[x.id][0], str(vat[x.id][1]), vat[x.id][2]] for x in org_lines}},
            issued_by=actor.username))
        session.flush()


# --- the XML ----------------------------------------------------------------------------------------------


def _el(parent, tag: str, text=None, **attrs):
    node = ET.SubElement(parent, tag, {k.replace("_", ""): str(v) for k, v in attrs.items()})
    if text is not None:
        node.text = str(text)
    return node


def _amount(parent, tag: str, ore: int):
    return _el(parent, tag, kr(ore), currencyID=CURRENCY)


def _tax_category(parent, tag: str, category: str, rate: Decimal, reason: str = "") -> None:
    node = _el(parent, tag)
    _el(node, "cbc:ID", category)
    if category != "O":
        _el(node, "cbc:Percent", plain(rate))
    if category in ("E", "O") and reason:
        _el(node, "cbc:TaxExemptionReason", reason)
    _el(_el(node, "cac:TaxScheme"), "cbc:ID", "VAT")


def _address(parent, street: str, postal_code: str, city: str, country: str = "NO") -> None:
    node = _el(parent, "cac:PostalAddress")
    if street:
        _el(node, "cbc:StreetName", street)
    if city:
        _el(node, "cbc:CityName", city)
    if postal_code:
        _el(node, "cbc:PostalZone", postal_code)
    _el(_el(node, "cac:Country"), "cbc:IdentificationCode", country or "NO")


def _supplier(root, s: dict, outside_scope: bool) -> None:
    party = _el(_el(root, "cac:AccountingSupplierParty"), "cac:Party")
    _el(party, "cbc:EndpointID", s["org_number"], schemeID="0192")
    _el(_el(party, "cac:PartyName"), "cbc:Name", s["name"])
    _address(party, s["street"], s["postal_code"], s["city"], s.get("country") or "NO")
    if s["vat_registered"] and not outside_scope:      # BR-O-02: no seller VAT id with "outside scope"
        scheme = _el(party, "cac:PartyTaxScheme")
        _el(scheme, "cbc:CompanyID", f"NO{s['org_number']}MVA")
        _el(_el(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    if s.get("foretaksregisteret"):
        scheme = _el(party, "cac:PartyTaxScheme")
        _el(scheme, "cbc:CompanyID", "Foretaksregisteret")
        _el(_el(scheme, "cac:TaxScheme"), "cbc:ID", "TAX")
    legal = _el(party, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", s["name"])
    _el(legal, "cbc:CompanyID", s["org_number"], schemeID="0192")
    if s.get("contact_name") or s.get("contact_email") or s.get("contact_phone"):
        contact = _el(party, "cac:Contact")
        for tag, key in (("cbc:Name", "contact_name"), ("cbc:Telephone", "contact_phone"),
                         ("cbc:ElectronicMail", "contact_email")):
            if s.get(key):
                _el(contact, tag, s[key])


def _customer(root, b: dict) -> None:
    party = _el(_el(root, "cac:AccountingCustomerParty"), "cac:Party")
    _el(party, "cbc:EndpointID", b["endpoint_id"], schemeID=b["endpoint_scheme"])
    _el(_el(party, "cac:PartyIdentification"), "cbc:ID", b["org_number"], schemeID="0192")
    _el(_el(party, "cac:PartyName"), "cbc:Name", b["display_name"])
    _address(party, b["street"], b["postal_code"], b["city"], b.get("country") or "NO")
    legal = _el(party, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", b["name"])
    _el(legal, "cbc:CompanyID", b["org_number"], schemeID="0192")
    if b.get("contact_email"):
        _el(_el(party, "cac:Contact"), "cbc:ElectronicMail", b["contact_email"])


def _quantity_and_price(x: InvoiceLine, amount_ore: int) -> tuple[Decimal, str, Decimal]:
    """(quantity with the line's sign, UN/ECE unit code, unit price in kr ≥ 0) that give the amount."""
    unit = "ANN" if x.kind == "fixed" or (x.kind == "credit" and x.meter_code is None) else "C62"
    quantity = Decimal(x.quantity)
    price = abs(Decimal(x.unit_price)) / 100
    if amount_ore < 0 and quantity > 0 or amount_ore > 0 and quantity < 0:
        quantity = -quantity
    if quantity != 0 and abs(quantity * price - Decimal(amount_ore) / 100) <= Decimal("0.01"):
        return quantity, unit, price
    if amount_ore == 0:
        return Decimal(0), unit, price
    return Decimal(1 if amount_ore > 0 else -1), "C62", Decimal(abs(amount_ore)) / 100


def document_xml(session: Session, doc: EhfDocument) -> bytes:
    """The UBL document of an issued EHF row, from its snapshot and the run's stored lines (pure)."""
    lines = list(session.scalars(select(InvoiceLine).where(InvoiceLine.run_id == doc.run_id,
                                                           InvoiceLine.organisation_id == doc.organisation_id)
                                 .order_by(InvoiceLine.id)))
    return build_xml(doc, lines)


def build_xml(doc: EhfDocument, lines: list[InvoiceLine]) -> bytes:
    credit = doc.kind == "credit_note"
    sign = -1 if credit else 1
    root_tag = "CreditNote" if credit else "Invoice"
    snap = doc.snapshot
    s, b = snap["supplier"], snap["buyer"]
    vat = {int(k): (v[0], Decimal(v[1]), v[2]) for k, v in snap["vat"].items()}
    amounts = [(sign * x.amount_ore, *vat[x.id]) for x in lines]
    breakdown = vat_breakdown(amounts)
    net = sum(a for a, *_r in amounts)
    tax = sum(g["vat_ore"] for g in breakdown)
    root = ET.Element(root_tag, {"xmlns": NS[root_tag], "xmlns:cac": CAC, "xmlns:cbc": CBC})
    _el(root, "cbc:CustomizationID", CUSTOMIZATION)
    _el(root, "cbc:ProfileID", PROFILE)
    _el(root, "cbc:ID", doc.number)
    _el(root, "cbc:IssueDate", doc.issue_date.isoformat())
    if not credit:
        _el(root, "cbc:DueDate", doc.due_date.isoformat())
    _el(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", 381 if credit else 380)
    _el(root, "cbc:DocumentCurrencyCode", CURRENCY)
    _el(root, "cbc:BuyerReference", b["buyer_reference"])
    if lines:
        period = _el(root, "cac:InvoicePeriod")
        _el(period, "cbc:StartDate", min(x.billed_from for x in lines).isoformat())
        _el(period, "cbc:EndDate", max(x.billed_to for x in lines).isoformat())
    if snap.get("credits_number"):
        ref = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _el(ref, "cbc:ID", snap["credits_number"])
        if snap.get("credits_issue_date"):
            _el(ref, "cbc:IssueDate", snap["credits_issue_date"])
    _supplier(root, s, any(c == "O" for _a, c, *_r in amounts))
    _customer(root, b)
    if not credit:
        means = _el(root, "cac:PaymentMeans")
        _el(means, "cbc:PaymentMeansCode", "30", name="Credit transfer")
        _el(means, "cbc:PaymentID", doc.kid)
        _el(_el(means, "cac:PayeeFinancialAccount"), "cbc:ID", s["bank_account"])
    terms = (t("ehf.terms_credit", number=snap["credits_number"]) if credit and snap.get("credits_number")
             else t("ehf.terms", days=s["payment_terms_days"], kid=doc.kid))
    _el(_el(root, "cac:PaymentTerms"), "cbc:Note", terms)
    total = _el(root, "cac:TaxTotal")
    _amount(total, "cbc:TaxAmount", tax)
    for group in breakdown:
        sub = _el(total, "cac:TaxSubtotal")
        _amount(sub, "cbc:TaxableAmount", group["taxable_ore"])
        _amount(sub, "cbc:TaxAmount", group["vat_ore"])
        _tax_category(sub, "cac:TaxCategory", group["category"], group["rate"], group["reason"])
    money = _el(root, "cac:LegalMonetaryTotal")
    _amount(money, "cbc:LineExtensionAmount", net)
    _amount(money, "cbc:TaxExclusiveAmount", net)
    _amount(money, "cbc:TaxInclusiveAmount", net + tax)
    _amount(money, "cbc:PayableAmount", net + tax)
    for index, x in enumerate(lines, start=1):
        amount = sign * x.amount_ore
        quantity, unit, price = _quantity_and_price(x, amount)
        line = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        _el(line, "cbc:ID", index)
        _el(line, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity", plain(quantity), unitCode=unit)
        _amount(line, "cbc:LineExtensionAmount", amount)
        period = _el(line, "cac:InvoicePeriod")
        _el(period, "cbc:StartDate", x.billed_from.isoformat())
        _el(period, "cbc:EndDate", x.billed_to.isoformat())
        item = _el(line, "cac:Item")
        _el(item, "cbc:Description", x.description)
        _el(item, "cbc:Name", f"{x.service_code} {x.period}"[:100])
        _el(_el(item, "cac:SellersItemIdentification"), "cbc:ID", f"{x.service_code}-{x.component}")
        _tax_category(item, "cac:ClassifiedTaxCategory", *vat[x.id])
        _el(_el(line, "cac:Price"), "cbc:PriceAmount", plain(price), currencyID=CURRENCY)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


# --- reads for exports and pages ---------------------------------------------------------------------------------


def file_name(doc: EhfDocument) -> str:
    return f"{'kreditnota' if doc.kind == 'credit_note' else 'faktura'}-{doc.number}.xml"


def summary_rows(session: Session, docs: list[EhfDocument]) -> list[dict]:
    """One row per document: number, kind, organisation number and name, amounts excl./incl. VAT (øre, as
    the documents state them: credit notes positive), what it credits, the file name."""
    credited = {d.id: d.number for d in session.scalars(select(EhfDocument).where(
        EhfDocument.id.in_([d.credits_document_id for d in docs if d.credits_document_id])))}
    out = []
    for d in docs:
        sign = -1 if d.kind == "credit_note" else 1
        out.append({"document": d.number, "kind": d.kind, "org_number": d.snapshot["buyer"]["org_number"],
                    "organisation": d.snapshot["buyer"]["display_name"], "excl_vat_ore": sign * d.total_excl_ore,
                    "vat_ore": sign * d.total_vat_ore, "incl_vat_ore": sign * d.total_incl_ore,
                    "credits": credited.get(d.credits_document_id), "kid": d.kid, "due_date": d.due_date,
                    "file": file_name(d)})
    return out


def export_run(session: Session, actor: Actor, number: int) -> tuple[list[tuple[str, bytes]], list[dict]]:
    """Issue what is not issued yet, then every document of the run: ([(file name, XML)], summary rows)."""
    docs = issue_documents(session, actor, number)
    return [(file_name(d), document_xml(session, d)) for d in docs], summary_rows(session, docs)


def zip_bytes(files: list[tuple[str, bytes]]) -> bytes:
    """A zip of the files with fixed timestamps, so the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


# --- immutability guard ---------------------------------------------------------------------------------------


def refuse_changes_to_documents(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, EhfDocument) and (obj in session.deleted or session.is_modified(obj)):
            raise BackofficeError(t("ehf.immutable"))
