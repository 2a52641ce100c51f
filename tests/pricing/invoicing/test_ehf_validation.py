"""The EHF documents of the demo's approved runs (regular quarters, the credit and the rebill) pass the official
rules: CEN EN 16931 for UBL and Peppol BIS Billing 3.0 incl. the Norwegian NO-R rules, run by
../shared/ehf/validate.py's method (SchXslt in SaxonC-HE), compiled once per test session.

By default a representative sample is validated (`_sample`: every credit note and rebill, the extremes, the
namesakes, exempt VAT), so `make test` stays fast; BACKOFFICE_EHF_ALL=1 (`make test-ehf`) validates every one.
The totals of every document are checked against the invoice basis either way."""
from __future__ import annotations

import os
import pathlib
import sys
import time
from collections import defaultdict
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import func, select

from data.registers.models import Organisation
from pricing.invoicing import ehf
from pricing.invoicing.models import EhfDocument, InvoiceLine, InvoiceRun
from tests.conftest import make_actor

EHF_DIR = pathlib.Path(__file__).resolve().parents[3].parent / "shared" / "ehf"
FINANCE = make_actor("finance")
SVRL = "http://purl.oclc.org/dsdl/svrl"
UBL = {"cbc": ehf.CBC, "cac": ehf.CAC}
VALIDATE_ALL = os.environ.get("BACKOFFICE_EHF_ALL") == "1"      # `make test-ehf`: every demo document
NAMESAKES = ("1515", "1818", "3114", "3419")   # Herøy (Møre og Romsdal, Nordland), Våler (Østfold, Innlandet)


@pytest.fixture(scope="session")
def rules():
    """The two Schematron rule sets compiled to XSLT once: (processor, {name: executable})."""
    if not (EHF_DIR / "validate.py").exists():
        pytest.skip(f"the official EHF rules are not here ({EHF_DIR}): the documents are not validated")
    saxonche = pytest.importorskip("saxonche", reason="saxonche is not installed (pip install -e '.[dev]')")
    proc = saxonche.PySaxonProcessor(license=False)
    xslt = proc.new_xslt30_processor()
    compiler = xslt.compile_stylesheet(stylesheet_file=str(EHF_DIR / "schxslt/2.0/pipeline-for-svrl.xsl"))
    compiled = {sch.name: xslt.compile_stylesheet(stylesheet_text=compiler.transform_to_string(source_file=str(sch)))
                for sch in sorted((EHF_DIR / "sch").glob("*.sch"))}
    assert len(compiled) == 2
    return proc, compiled


def failures(rules, path: pathlib.Path) -> list[str]:
    """The fatal failed asserts of one file, as 'RULE-ID: text' (warnings are not counted, as validate.py)."""
    proc, compiled = rules
    out = []
    for name, rule_set in compiled.items():
        report = proc.parse_xml(xml_text=rule_set.transform_to_string(source_file=str(path)))
        xpath = proc.new_xpath_processor()
        xpath.set_context(xdm_item=report)
        xpath.declare_namespace("svrl", SVRL)
        asserts = xpath.evaluate("//svrl:failed-assert")
        for i in range(asserts.size if asserts else 0):
            node = asserts.item_at(i).get_node_value()
            if (node.get_attribute_value("flag") or "fatal") == "fatal":
                out.append(f"{name} {node.get_attribute_value('id')}: {' '.join(node.string_value.split())}")
    return out


def test_the_validator_catches_a_broken_document(rules, tmp_path):
    """The method is the one validate.py uses: an official example passes, one without BuyerReference fails."""
    example = (EHF_DIR / "examples" / "base-example.xml").read_text(encoding="utf-8")
    good, bad = tmp_path / "good.xml", tmp_path / "bad.xml"
    good.write_text(example, encoding="utf-8")
    bad.write_text(example.replace("<cbc:BuyerReference>0150abc</cbc:BuyerReference>", ""), encoding="utf-8")
    assert failures(rules, good) == []
    assert any("PEPPOL-EN16931-R003" in f for f in failures(rules, bad))


def _sample(session, runs: list[InvoiceRun], issued: dict[int, list[EhfDocument]]) -> list[EhfDocument]:
    """The documents validated by default (a few dozen of ~3 700): every credit note, every document of a credit
    or rebill run, every one with exempt or outside-scope VAT, and of each regular run the largest and the
    smallest invoice, the one with the most lines, the largest of each organisation kind and the namesakes'."""
    namesakes = set(session.scalars(select(Organisation.id).where(
        Organisation.municipality_number.in_(NAMESAKES), Organisation.kind == "municipality")))
    assert len(namesakes) == len(NAMESAKES), "the namesake municipalities are not in the register"
    kinds = dict(session.execute(select(Organisation.id, Organisation.kind)).all())
    line_counts = {(run_id, org_id): n for run_id, org_id, n in session.execute(
        select(InvoiceLine.run_id, InvoiceLine.organisation_id, func.count())
        .group_by(InvoiceLine.run_id, InvoiceLine.organisation_id))}
    chosen: dict[int, EhfDocument] = {}
    for run in runs:
        docs = issued[run.number]
        for d in docs:
            if (run.kind != "regular" or d.kind == "credit_note" or d.organisation_id in namesakes
                    or any(vat[0] != "S" for vat in d.snapshot["vat"].values())):
                chosen[d.id] = d
        invoices = [d for d in docs if d.kind == "invoice"]
        if run.kind != "regular" or not invoices:
            continue
        by_size = sorted(invoices, key=lambda d: (d.total_excl_ore, d.number))
        picks = [by_size[0], by_size[-1], max(invoices, key=lambda d: (line_counts[(run.id, d.organisation_id)],
                                                                       -d.number))]
        for kind in sorted({kinds[d.organisation_id] for d in invoices}):
            picks.append([d for d in by_size if kinds[d.organisation_id] == kind][-1])
        chosen.update({d.id: d for d in picks})
    sampled = sorted(chosen.values(), key=lambda d: d.number)
    assert namesakes <= {d.organisation_id for d in sampled}       # both Herøy and both Våler, told apart
    return sampled


def test_the_demo_documents_pass_the_official_rules(rules, demo_session, tmp_path):
    """A sample by default (see _sample), every document with BACKOFFICE_EHF_ALL=1 (`make test-ehf`); the totals
    of ALL documents are checked against the invoice basis and the run totals either way."""
    started = time.perf_counter()
    runs = list(demo_session.scalars(select(InvoiceRun).order_by(InvoiceRun.number)))
    kinds = {r.kind for r in runs}
    assert {"regular", "credit", "rebill"} <= kinds
    issued = {run.number: ehf.issue_documents(demo_session, FINANCE, run.number) for run in runs}
    every = [d for docs in issued.values() for d in docs]
    chosen = every if VALIDATE_ALL else _sample(demo_session, runs, issued)
    written = []
    for doc in chosen:
        content = ehf.document_xml(demo_session, doc)
        root = ET.fromstring(content)
        sign = -1 if doc.kind == "credit_note" else 1
        assert root.findtext("cbc:ID", namespaces=UBL) == str(doc.number)
        totals = root.find("cac:LegalMonetaryTotal", UBL)
        assert Decimal(totals.findtext("cbc:TaxExclusiveAmount", namespaces=UBL)) * 100 == sign * doc.total_excl_ore
        assert Decimal(totals.findtext("cbc:PayableAmount", namespaces=UBL)) * 100 == sign * doc.total_incl_ore
        path = tmp_path / ehf.file_name(doc)
        path.write_bytes(content)
        written.append(path)
    failed = {p.name: f for p in written if (f := failures(rules, p))}
    assert failed == {}, list(failed.items())[:3]
    # one document per organisation and run; credit notes for the credit run, pointing at invoices
    count = demo_session.scalar(select(func.count()).select_from(
        select(InvoiceLine.run_id, InvoiceLine.organisation_id).distinct().subquery()))
    assert len(every) == count
    credit = next(r for r in runs if r.kind == "credit")
    credit_rows = ehf.summary_rows(demo_session, issued[credit.number])
    assert credit_rows and all(row["kind"] == "credit_note" and row["credits"] for row in credit_rows)
    # per organisation, EVERY document's total excl. VAT equals the invoice basis, to the øre, and the run total
    for run in runs:
        basis = defaultdict(int)
        for org_id, amount in demo_session.execute(select(InvoiceLine.organisation_id, InvoiceLine.amount_ore)
                                                   .where(InvoiceLine.run_id == run.id)):
            basis[org_id] += amount
        docs = {d.organisation_id: d.total_excl_ore for d in issued[run.number]}
        assert docs == dict(basis)
        assert sum(docs.values()) == run.total_ore
        assert all(d.total_incl_ore == d.total_excl_ore + d.total_vat_ore for d in issued[run.number])
    how = "every document" if VALIDATE_ALL else "a sample; BACKOFFICE_EHF_ALL=1 (make test-ehf) validates all"
    print(f"\nEHF: {len(written)} of {len(every)} documents of {len(runs)} runs validated ({how}), 0 fatal; "
          f"totals of all {len(every)} checked; {time.perf_counter() - started:.0f} s", file=sys.stderr)
