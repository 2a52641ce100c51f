"""Demo data, overview KPIs and the service sheet's price facts."""
from datetime import date

import pytest
from sqlalchemy import func, select

from data import demo
from pricing import facts, pricelists, selfcost
from pricing.demo import load as load_pricing_demo
from pricing.models import CostItem, PriceCalculation


def _loaders():
    """The pricing demo prices what the appendix register (agreements) and metering hold."""
    agreements_demo = pytest.importorskip("agreements.demo")
    metering_demo = pytest.importorskip("data.metering.demo")
    return [agreements_demo.load_demo, metering_demo.load_demo, load_pricing_demo]


def test_demo_loads_approved_lists_and_is_deterministic(session, system):
    demo.load(session, system, _loaders())
    for code in ("svarut", "digisos", "minside", "fiks-io"):
        for year in (2024, 2025, 2026):
            assert pricelists.approved_price(session, code, year) is not None, (code, year)
        assert pricelists.approved_price(session, code, 2027) is None
    drafts = pricelists.drafts_awaiting(session)
    assert {d["service"] for d in drafts} == {"svarut", "digisos", "minside", "fiks-io"}
    assert session.scalar(select(func.count()).select_from(CostItem).where(CostItem.year == 2024)) > 30
    calc = session.scalar(select(PriceCalculation).where(PriceCalculation.year == 2025).limit(1))
    assert selfcost.recalculate(calc) == calc.result
    digisos = next(c for c in session.scalars(select(PriceCalculation).where(PriceCalculation.year == 2025))
                   if c.inputs["service"] == "digisos")
    assert digisos.inputs["digifin"] and digisos.inputs["capital"]
    # loading twice changes nothing
    before = session.scalar(select(func.count()).select_from(CostItem))
    load_pricing_demo(session, system, __import__("random").Random(1))
    assert session.scalar(select(func.count()).select_from(CostItem)) == before

    kpis = facts.price_kpis(session, system, today=date(2026, 6, 1))
    assert kpis[0].value == "4" and kpis[2].value == "4"
    service_facts = facts.price_facts(session, "svarut")
    labels = [f.label for f in service_facts]
    assert "Pris 2024" in labels and "Pris 2026" in labels and "Selvkost 2026" in labels
    assert "per enhet" in service_facts[0].value         # SvarUt is priced per letter, as its appendices agree
    assert "per virksomhet" in facts.price_facts(session, "fiks-io")[0].value   # Fiks IO: a fixed yearly fee


def test_facts_without_prices(session):
    assert facts.price_facts(session, "ks-laering")[0].value == "Ingen godkjent prisliste"
    kpis = facts.price_kpis(session, None, today=date(2026, 6, 1))
    assert kpis[0].value == "0"


def test_what_each_organisation_pays_across_services(session, system):
    import io

    from openpyxl import load_workbook

    from pricing import exports

    demo.load(session, system, _loaders())
    codes, rows = pricelists.bills_by_organisation(session, 2025)
    assert codes == ["digisos", "fiks-io", "minside", "svarut"]
    results = {code: session.get(PriceCalculation, pricelists.approved_price(session, code, 2025).calculation_id
                                 ).result for code in codes}
    by_service = {code: {c["org_id"]: c["total_ore"] for c in [*result["charges"], *result.get("kind_charges", [])]}
                  for code, result in results.items()}      # kinds with a price of their own too (issue 18)
    for row in rows[:25]:
        assert row["total_ore"] == sum(by_service[c].get(row["org_id"], 0) for c in codes)
    assert sum(r["total_ore"] for r in rows) == sum(sum(v.values()) for v in by_service.values())
    wb = load_workbook(io.BytesIO(exports.organisation_bills_workbook(2025, codes, rows)))
    sheet = wb.active
    assert sheet["H2"].value == "=SUM(D2:G2)" and sheet["J2"].value == "=H2-I2"
