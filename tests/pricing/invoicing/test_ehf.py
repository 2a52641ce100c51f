"""EHF (issue 21): KID check digits, VAT per category, credit notes' references, what is missing before export,
numbers never reused, the same bytes twice, and the CLI writing what the page zips."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from admin.cli import main
from agreements.models import MainAgreement
from data import db
from data.errors import BackofficeError, PermissionDenied
from pricing.invoicing import ehf, exports, kid, settings
from pricing.invoicing.models import EhfDocument, EhfRecipient, InvoiceRun
from tests.conftest import make_actor
from tests.pages import errors_of, render

FINANCE = make_actor("finance")
SUPPORT = make_actor("support")
UBL = {"cbc": ehf.CBC, "cac": ehf.CAC}


def test_kid_check_digits():
    assert kid.mod10("7992739871") == "3"             # the Luhn algorithm's textbook example
    assert kid.kid(1) == "000000018"                  # 0000001 doubled from the right: 2 -> check digit 8
    assert kid.kid(1234, "mod11") == "000012343"      # weights 2..7 from the right: 4·2+3·3+2·4+1·5 = 30 -> 11-8 = 3
    assert kid.is_valid(kid.kid(424242)) and not kid.is_valid("000424241")


def test_vat_is_rounded_once_per_category():
    groups = ehf.vat_breakdown([(1001, "S", Decimal(25), ""), (1001, "S", Decimal(25), ""),
                                (-3, "S", Decimal(25), ""), (50_000, "E", Decimal(0), "Unntatt")])
    assert groups == [
        {"category": "E", "rate": Decimal("0.00"), "reason": "Unntatt", "taxable_ore": 50_000, "vat_ore": 0},
        # 19,99 kr × 25 % = 4,9975 kr -> 5,00 kr: once for the category, not 2,50 + 2,50 − 0,01 per line
        {"category": "S", "rate": Decimal("25.00"), "reason": "", "taxable_ore": 1999, "vat_ore": 500}]
    assert ehf.vat_ore(-1002, Decimal(25)) == -251       # half up, away from zero
    assert ehf.kr(-123456) == "-1234.56" and ehf.kr(5) == "0.05"


def _runs(session):
    runs = list(session.scalars(select(InvoiceRun).order_by(InvoiceRun.number)))
    return next(r for r in runs if r.kind == "credit"), runs


def test_a_credit_note_refers_to_the_invoice_it_credits(demo_session):
    credit, _runs_ = _runs(demo_session)
    credited = demo_session.get(InvoiceRun, credit.credits_run_id)
    docs = ehf.issue_documents(demo_session, FINANCE, credit.number)
    invoices = ehf.documents_of_run(demo_session, credited)      # issued first, so there is a number to refer to
    assert docs and all(d.kind == "credit_note" for d in docs)
    doc = docs[0]
    invoice = invoices[doc.organisation_id]
    assert invoice.kind == "invoice" and doc.credits_document_id == invoice.id and doc.number > invoice.number
    root = ET.fromstring(ehf.document_xml(demo_session, doc))
    assert root.tag.endswith("CreditNote")
    assert root.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=UBL) == str(invoice.number)
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=UBL) == "381"
    # the credit note states the credited amounts positive; its total equals the invoice basis negated
    payable = Decimal(root.findtext("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", namespaces=UBL))
    assert payable * 100 == -doc.total_excl_ore > 0


def test_an_organisation_missing_its_buyer_reference_is_named_before_export(demo_session):
    _credit, runs = _runs(demo_session)
    run = runs[0]
    org_id = run.lines[0].organisation_id
    recipient = demo_session.scalar(select(EhfRecipient).where(EhfRecipient.organisation_id == org_id))
    recipient.buyer_reference = ""
    demo_session.flush()
    missing = settings.missing_for_run(demo_session, run)
    name = run.lines[0].organisation_name
    assert [m["name"] for m in missing] == [name]
    assert missing[0]["missing"] == "kjøpers referanse (Deres ref)"
    with pytest.raises(BackofficeError) as refused:
        ehf.issue_documents(demo_session, FINANCE, run.number)
    assert name in refused.value.message and "kjøpers referanse" in refused.value.message
    assert demo_session.scalar(select(EhfDocument.id).where(EhfDocument.run_id == run.id)) is None
    # the main agreement's reference is enough (it wins over the organisation's)
    assert demo_session.scalar(select(MainAgreement.id).where(MainAgreement.organisation_id == org_id))
    settings.save_recipient(demo_session, FINANCE, {"organisation": run.lines[0].org_number,
                                                    "agreement_reference": "Avtale-77"})
    assert settings.missing_for_run(demo_session, run) == []
    assert settings.buyers(demo_session, [org_id])[org_id]["buyer_reference"] == "Avtale-77"


def test_numbers_are_never_reused_and_exporting_twice_gives_the_same_bytes(demo_session):
    _credit, runs = _runs(demo_session)
    first, rows = exports.ehf_zip(demo_session, FINANCE, runs[0].number)
    settings.save_supplier(demo_session, FINANCE, {**_supplier(demo_session), "name": "Et annet navn"})
    again, rows_again = exports.ehf_zip(demo_session, FINANCE, runs[0].number)
    assert again == first and rows_again == rows          # issued documents keep what they were issued with
    second, _ = exports.ehf_zip(demo_session, FINANCE, runs[1].number)
    numbers = list(demo_session.scalars(select(EhfDocument.number).order_by(EhfDocument.number)))
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert names[-1] == "sammendrag.csv" and len(names) == len(rows) + 1
    assert sum(r["excl_vat_ore"] for r in rows) == runs[0].total_ore
    with pytest.raises(PermissionDenied):
        ehf.issue_documents(demo_session, SUPPORT, runs[2].number)


def _supplier(session) -> dict:
    row = settings.get_supplier(session)
    return {k: getattr(row, k) for k in ("org_number", "name", "street", "postal_code", "city", "bank_account",
                                         "payment_terms_days", "kid_method")}


def test_vat_per_price_list_and_the_rules_for_exempt(demo_session):
    _credit, runs = _runs(demo_session)
    line = runs[-1].lines[0]
    with pytest.raises(BackofficeError, match="fritaksgrunn"):
        settings.set_price_list_vat(demo_session, FINANCE, {"service": line.service_code, "year": line.year,
                                                            "category": "E"})
    settings.set_price_list_vat(demo_session, FINANCE, {"service": line.service_code, "year": line.year,
                                                        "number": line.price_list_number, "category": "E",
                                                        "exemption_reason": "Unntatt etter mval. § 3-2"})
    assert settings.vat_of_lines(demo_session, [line])[line.id] == ("E", Decimal("0"), "Unntatt etter mval. § 3-2")


def test_the_cli_writes_the_files_the_page_zips(demo_url, system, tmp_path, capsys):
    with db.session_scope(actor=system) as session:
        number = session.scalar(select(InvoiceRun.number).where(InvoiceRun.kind == "regular")
                                .order_by(InvoiceRun.number))
    assert main(["export", "ehf", "--run", str(number), "-o", str(tmp_path / "ehf")]) == 0
    assert "EHF-dokumenter" in capsys.readouterr().out
    with db.session_scope(actor=system) as session:
        zipped, _rows = exports.ehf_zip(session, system, number)
    archive = zipfile.ZipFile(io.BytesIO(zipped))
    for name in archive.namelist():
        assert (tmp_path / "ehf" / name).read_bytes() == archive.read(name)
    assert main(["invoice", "ehf-missing", "--run", str(number)]) == 0


def test_the_run_page_lists_what_is_missing_then_makes_the_zip(demo_url, system):
    with db.session_scope(actor=system) as session:
        run = session.scalar(select(InvoiceRun).where(InvoiceRun.kind == "regular").order_by(InvoiceRun.number))
        number, run_id, org_id = run.number, run.id, run.lines[0].organisation_id
        name, org_number = run.lines[0].organisation_name, run.lines[0].org_number
        recipient = session.scalar(select(EhfRecipient).where(EhfRecipient.organisation_id == org_id))
        recipient.buyer_reference = ""
    app = render("pricing/invoicing/pages/runs.py", make_actor("finance"))
    app.selectbox(key="inv-run").set_value(number).run(timeout=60)
    assert errors_of(app) == []
    assert any("Mangler før EHF" in w.value for w in app.warning)
    assert name in app.dataframe[-1].value["name"].tolist()
    with db.session_scope(actor=system) as session:
        settings.save_recipient(session, FINANCE, {"organisation": org_number,
                                                   "buyer_reference": "Ref-1"})
    app = render("pricing/invoicing/pages/runs.py", make_actor("finance"))
    app.selectbox(key="inv-run").set_value(number).run(timeout=60)
    app.button(key="inv-ehf-make").click().run(timeout=60)
    assert errors_of(app) == [], [e.value for e in app.error]
    summary = app.dataframe[-1].value
    with db.session_scope() as session:
        assert len(summary) == len(ehf.documents_of_run(session, session.get(InvoiceRun, run_id)))
