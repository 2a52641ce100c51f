"""Every EHF document of the demo's approved runs (regular quarters, the credit and the rebill) passes the official
rules: CEN EN 16931 for UBL and Peppol BIS Billing 3.0 incl. the Norwegian NO-R rules, run by
../shared/ehf/validate.py's method (SchXslt in SaxonC-HE), compiled once per test session."""
from __future__ import annotations

import pathlib
import sys
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from pricing.invoicing import ehf
from pricing.invoicing.models import EhfDocument, InvoiceLine, InvoiceRun
from tests.conftest import make_actor

EHF_DIR = pathlib.Path(__file__).resolve().parents[3].parent / "shared" / "ehf"
FINANCE = make_actor("finance")
SVRL = "http://purl.oclc.org/dsdl/svrl"


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


def test_every_demo_document_passes_the_official_rules(rules, demo_session, tmp_path):
    runs = list(demo_session.scalars(select(InvoiceRun).order_by(InvoiceRun.number)))
    kinds = {r.kind for r in runs}
    assert {"regular", "credit", "rebill"} <= kinds
    written, per_run = [], {}
    for run in runs:
        files, summary = ehf.export_run(demo_session, FINANCE, run.number)
        per_run[run.number] = summary
        for name, content in files:
            path = tmp_path / name
            path.write_bytes(content)
            written.append(path)
    failed = {p.name: f for p in written if (f := failures(rules, p))}
    assert failed == {}, list(failed.items())[:3]
    # one document per organisation and run; credit notes for the credit run, pointing at invoices
    count = demo_session.scalar(select(func.count()).select_from(
        select(InvoiceLine.run_id, InvoiceLine.organisation_id).distinct().subquery()))
    assert len(written) == count
    credit = next(r for r in runs if r.kind == "credit")
    assert per_run[credit.number] and all(row["kind"] == "credit_note" and row["credits"] for row in
                                          per_run[credit.number])
    # per organisation, the documents' totals excl. VAT equal the invoice basis, to the øre, and the run total
    for run in runs:
        basis = defaultdict(int)
        for org_id, amount in demo_session.execute(select(InvoiceLine.organisation_id, InvoiceLine.amount_ore)
                                                   .where(InvoiceLine.run_id == run.id)):
            basis[org_id] += amount
        docs = {d.organisation_id: d.total_excl_ore for d in
                demo_session.scalars(select(EhfDocument).where(EhfDocument.run_id == run.id))}
        assert docs == dict(basis)
        assert sum(docs.values()) == run.total_ore
    print(f"\nEHF: {len(written)} documents of {len(runs)} runs validated, 0 fatal", file=sys.stderr)
