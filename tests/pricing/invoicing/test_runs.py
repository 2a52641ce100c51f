"""Invoice runs to the øre: proration at both period edges, usage lines, late-usage corrections,
credit-and-rebill, refused double billing, immutability, permissions and the export."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from data.audit import AuditEntry
from data.errors import BackofficeError, ConflictError, PermissionDenied
from pricing.invoicing import runs as invoicing
from pricing.invoicing.models import InvoiceLine, InvoiceRun
from tests.conftest import make_actor
from tests.pricing.invoicing.helpers import FINANCE, appendix, price_list, three_orgs, usage


@pytest.fixture
def case(session, system):
    a, b, c = three_orgs(session)
    price = price_list(session, [a, b, c])
    appendix(session, a, date(2024, 6, 1))                          # whole quarter
    appendix(session, b, date(2025, 2, 15))                         # starts inside Q1
    appendix(session, c, date(2023, 1, 1), date(2025, 1, 31))       # ends inside Q1
    usage(session, system, a, date(2025, 1, 10), 100)
    usage(session, system, a, date(2025, 3, 10), 200)
    usage(session, system, b, date(2025, 3, 3), 50)
    return {"a": a, "b": b, "c": c, "price": price}


def by(lines, org, kind):
    return [x for x in lines if x["organisation_id"] == org.id and x["kind"] == kind]


def test_periods_parse_and_bad_ones_are_refused():
    q = invoicing.parse_period("2025-q1")
    assert (q.label, q.start, q.end, q.months, q.days) == ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31), 3, 90)
    assert invoicing.parse_period("2024-02").end == date(2024, 2, 29)
    assert invoicing.parse_period("2025").days == 365
    with pytest.raises(BackofficeError, match="2025-13"):
        invoicing.parse_period("2025-13")


def test_price_list_is_what_the_case_says(case):
    assert [c["tier_prices_ore"] for c in case["price"].components] == [[4_000_000], [2000]]


def test_quarter_prorated_at_both_edges_and_usage_priced_per_unit(session, case):
    preview = invoicing.preview_run(session, FINANCE, {"period": "2025-Q1"})
    lines = preview.lines
    (fixed_a,) = by(lines, case["a"], "fixed")
    assert fixed_a["amount_ore"] == 1_000_000               # 40 000 kr × 3/12
    (fixed_b,) = by(lines, case["b"], "fixed")
    assert (fixed_b["days"], fixed_b["billed_from"]) == (45, date(2025, 2, 15))
    assert fixed_b["amount_ore"] == 500_000                 # × 45/90
    (fixed_c,) = by(lines, case["c"], "fixed")
    assert (fixed_c["days"], fixed_c["billed_to"]) == (31, date(2025, 1, 31))
    assert fixed_c["amount_ore"] == 344_444                 # 4 000 000 × 1/4 × 31/90 = 344 444,44
    (usage_a,) = by(lines, case["a"], "usage")
    assert (usage_a["quantity"], usage_a["unit_price"], usage_a["amount_ore"]) == (300, 2000, 600_000)
    (usage_b,) = by(lines, case["b"], "usage")
    assert usage_b["amount_ore"] == 100_000
    assert by(lines, case["c"], "usage")[0]["amount_ore"] == 0
    assert preview.total_ore == 1_000_000 + 500_000 + 344_444 + 600_000 + 100_000
    assert session.scalar(select(func.count()).select_from(InvoiceRun)) == 0   # a preview stores nothing


def test_approve_numbers_the_run_and_refuses_billing_the_period_twice(session, case):
    run = invoicing.approve_run(session, FINANCE, {"period": "2025-Q1", "expected_total_ore": 2_544_444})
    assert (run.number, run.total_ore, run.line_count) == (1, 2_544_444, 6)
    assert session.scalar(select(AuditEntry).where(AuditEntry.table_name == "pricing_invoice_line")) is not None
    with pytest.raises(ConflictError, match="allerede fakturert"):
        invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    with pytest.raises(ConflictError, match="overlapper"):
        invoicing.approve_run(session, FINANCE, {"period": "2025-03"})
    with pytest.raises(ConflictError, match="overlapper"):
        invoicing.approve_run(session, FINANCE, {"period": "2025"})


def test_a_new_appendix_in_a_billed_period_is_billed_alone(session, case):
    invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    other = session.scalars(select(type(case["a"])).where(type(case["a"]).kind == "municipality",
                                                          type(case["a"]).valid_to.is_(None))
                            .order_by(type(case["a"]).municipality_number).offset(3).limit(1)).one()
    appendix(session, other, date(2025, 3, 1))
    run = invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    assert {x.organisation_id for x in run.lines} == {other.id}
    assert sum(x.amount_ore for x in run.lines if x.kind == "fixed") == 344_444   # 31 of 90 days


def test_stale_preview_is_refused(session, case):
    with pytest.raises(ConflictError, match="Forhåndsvis på nytt"):
        invoicing.approve_run(session, FINANCE, {"period": "2025-Q1", "expected_total_ore": 1})


def test_approved_runs_cannot_change(session, case):
    run = invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    run.lines[0].amount_ore = 1
    with pytest.raises(BackofficeError, match="kan ikke endres"):
        session.flush()


def test_approved_runs_cannot_be_deleted(session, case):
    run = invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    session.delete(run)
    with pytest.raises(BackofficeError, match="kan ikke endres"):
        session.flush()


def test_late_usage_becomes_a_correction_line_in_the_next_run(session, system, case):
    metering = pytest.importorskip("data.metering.usage")
    invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    metering.close_month(session, system, "2025-03")
    usage(session, system, case["a"], date(2025, 3, 28), 25, tag="late")
    run = invoicing.approve_run(session, FINANCE, {"period": "2025-Q2"})
    (correction,) = [x for x in run.lines if x.kind == "correction"]
    assert (correction.period, correction.organisation_id) == ("2025-Q1", case["a"].id)
    assert (correction.quantity, correction.amount_ore) == (25, 50_000)
    assert correction.unit_price == 2000
    # billed once: the next run has no further correction
    run3 = invoicing.approve_run(session, FINANCE, {"period": "2025-Q3"})
    assert not [x for x in run3.lines if x.kind == "correction"]


def test_credit_and_rebill_one_organisation(session, case):
    from agreements.models import ServiceAppendix

    run = invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    # the appendix of B really started 1 February: fix the agreement, then credit and rebill B
    row = session.scalar(select(ServiceAppendix).where(ServiceAppendix.organisation_id == case["b"].id))
    row.start_date = row.signed_date = date(2025, 2, 1)
    session.flush()
    preview = invoicing.preview_credit(session, FINANCE, {"run": run.number, "reason": "Feil startdato",
                                                          "organisations": [case["b"].municipality_number]})
    assert preview.credit_total_ore == -600_000
    assert preview.rebill_total_ore == 655_556 + 100_000      # 59/90 × 1 000 000 = 655 555,56
    credit, rebill = invoicing.credit_and_rebill(session, FINANCE, {
        "run": run.number, "reason": "Feil startdato", "organisations": [case["b"].municipality_number]})
    assert (credit.kind, credit.number, credit.total_ore, credit.credits_run_id) == ("credit", 2, -600_000, run.id)
    assert all(x.credits_line_id is not None for x in credit.lines)
    assert (rebill.kind, rebill.number, rebill.total_ore) == ("rebill", 3, 755_556)
    # history is untouched and the period is billed exactly once per organisation
    assert session.get(InvoiceRun, run.id).total_ore == 2_544_444
    net = session.scalar(select(func.sum(InvoiceLine.amount_ore)).where(InvoiceLine.year == 2025))
    assert net == 2_544_444 - 600_000 + 755_556
    with pytest.raises(ConflictError):
        invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    rows = {r["number"]: r for r in invoicing.run_rows(session)}
    assert rows[1]["credited_by"] == 2 and rows[2]["credits_run"] == 1
    with pytest.raises(BackofficeError, match="ingen linjer igjen"):
        invoicing.credit_and_rebill(session, FINANCE, {"run": 1, "reason": "igjen",
                                                       "organisations": [case["b"].municipality_number]})


def test_whole_run_credit_then_the_period_can_be_billed_again(session, case):
    invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    invoicing.credit_and_rebill(session, FINANCE, {"run": 1, "reason": "Feil prisliste", "rebill": False})
    run = invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    assert run.total_ore == 2_544_444


def test_without_permission_nothing_is_written(session, case):
    for role in ("product_owner", "support", "security"):
        with pytest.raises(PermissionDenied):
            invoicing.approve_run(session, make_actor(role), {"period": "2025-Q1"})
    assert session.scalar(select(func.count()).select_from(InvoiceRun)) == 0
    assert invoicing.approve_run(session, make_actor("leader"), {"period": "2025-Q1"}).number == 1


def test_no_price_list_is_a_warning_not_a_silent_gap(session, case):
    preview = invoicing.preview_run(session, FINANCE, {"period": "2026-Q1"})
    assert preview.lines == []
    assert "ingen godkjent prisliste for 2026" in preview.warnings[0]


def test_tiered_usage_limits_follow_the_period():
    component = {"basis": "unit", "tiers": [{"up_to": 1200, "factor": 1}, {"up_to": None, "factor": 0.5}],
                 "tier_mode": "graduated", "tier_prices_ore": [100, 50], "minimum_fee_ore": 12_000}
    from fractions import Fraction

    # a quarter: first 300 units at 1 kr, the rest at 0,50 kr
    assert invoicing.usage_amount(component, 500, Fraction(1, 4), Fraction(1, 4)) == 300 * 100 + 200 * 50
    # the minimum fee, a quarter of it, when usage is small
    assert invoicing.usage_amount(component, 10, Fraction(1, 4), Fraction(1, 4)) == 3_000
    assert invoicing.usage_amount(component, Decimal(0), Fraction(1, 12), Fraction(1, 24)) == 500


def test_month_run_prorates_by_days_of_the_month(session, case):
    preview = invoicing.preview_run(session, FINANCE, {"period": "2025-02", "service": "svarut"})
    (fixed_b,) = by(preview.lines, case["b"], "fixed")
    assert (fixed_b["days"], fixed_b["period_days"]) == (14, 28)
    assert fixed_b["amount_ore"] == 166_667            # 4 000 000 × 1/12 × 14/28 = 166 666,67
    assert by(preview.lines, case["c"], "fixed") == []  # ended 31 January


def test_a_denied_credit_changes_nothing(session, case):
    invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    with pytest.raises(PermissionDenied):
        invoicing.credit_and_rebill(session, make_actor("product_owner", owned=("svarut",)),
                                    {"run": 1, "reason": "Forsøk"})
    assert session.scalar(select(func.count()).select_from(InvoiceRun)) == 1


def test_credit_needs_a_reason(session, case):
    from data.errors import ValidationFailed

    invoicing.approve_run(session, FINANCE, {"period": "2025-Q1"})
    with pytest.raises(ValidationFailed):
        invoicing.credit_and_rebill(session, FINANCE, {"run": 1, "reason": ""})
