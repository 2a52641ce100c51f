"""Invoice runs to the øre: proration at both period edges, usage lines, late-usage corrections,
credit-and-rebill, refused double billing, immutability, permissions, four eyes (finance prepares, a leader
approves) and what was agreed is what is billed (price per organisation kind, org-number check digits)."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from data.access import system_actor
from data.audit import AuditEntry
from data.errors import BackofficeError, ConflictError, PermissionDenied
from pricing.invoicing import runs as invoicing
from pricing.invoicing.models import InvoiceLine, InvoiceRun
from tests.conftest import make_actor
from tests.pricing.invoicing.helpers import FINANCE, LEADER, appendix, price_list, three_orgs, usage

Q1_TOTAL = 1_000_000 + 500_000 + 333_333 + 600_000 + 100_000


def bill(session, period: str, **extra) -> InvoiceRun:
    """Finance prepares the run, a leader approves it."""
    invoicing.prepare_run(session, FINANCE, {"period": period, **extra})
    return invoicing.approve_run(session, LEADER, {"period": period, **extra})


def credit(session, payload: dict):
    invoicing.prepare_credit(session, FINANCE, payload)
    return invoicing.credit_and_rebill(session, LEADER, payload)


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
    assert fixed_b["amount_ore"] == 500_000                 # 14/28 of February + March: 1,5 twelfths
    (fixed_c,) = by(lines, case["c"], "fixed")
    assert (fixed_c["days"], fixed_c["billed_to"]) == (31, date(2025, 1, 31))
    assert fixed_c["amount_ore"] == 333_333                 # January: 4 000 000 / 12 = 333 333,33
    (usage_a,) = by(lines, case["a"], "usage")
    assert (usage_a["quantity"], usage_a["unit_price"], usage_a["amount_ore"]) == (300, 2000, 600_000)
    (usage_b,) = by(lines, case["b"], "usage")
    assert usage_b["amount_ore"] == 100_000
    assert by(lines, case["c"], "usage")[0]["amount_ore"] == 0
    assert preview.total_ore == Q1_TOTAL
    assert session.scalar(select(func.count()).select_from(InvoiceRun)) == 0   # a preview stores nothing


def test_approve_numbers_the_run_and_refuses_billing_the_period_twice(session, case):
    run = bill(session, "2025-Q1", expected_total_ore=Q1_TOTAL)
    assert (run.number, run.total_ore, run.line_count) == (1, Q1_TOTAL, 6)
    assert session.scalar(select(AuditEntry).where(AuditEntry.table_name == "pricing_invoice_line")) is not None
    with pytest.raises(ConflictError, match="allerede fakturert"):
        invoicing.approve_run(session, LEADER, {"period": "2025-Q1"})
    with pytest.raises(ConflictError, match="overlapper"):
        invoicing.prepare_run(session, FINANCE, {"period": "2025-03"})
    with pytest.raises(ConflictError, match="overlapper"):
        invoicing.prepare_run(session, FINANCE, {"period": "2025"})


def test_a_new_appendix_in_a_billed_period_is_billed_alone(session, case):
    bill(session, "2025-Q1")
    other = session.scalars(select(type(case["a"])).where(type(case["a"]).kind == "municipality",
                                                          type(case["a"]).valid_to.is_(None))
                            .order_by(type(case["a"]).municipality_number).offset(3).limit(1)).one()
    appendix(session, other, date(2025, 3, 1))
    run = bill(session, "2025-Q1")
    assert {x.organisation_id for x in run.lines} == {other.id}
    assert sum(x.amount_ore for x in run.lines if x.kind == "fixed") == 333_333   # March: one twelfth


def test_stale_preview_is_refused(session, case):
    invoicing.prepare_run(session, FINANCE, {"period": "2025-Q1"})
    with pytest.raises(ConflictError, match="Forhåndsvis på nytt"):
        invoicing.approve_run(session, LEADER, {"period": "2025-Q1", "expected_total_ore": 1})


def test_approved_runs_cannot_change(session, case):
    run = bill(session, "2025-Q1")
    run.lines[0].amount_ore = 1
    with pytest.raises(BackofficeError, match="kan ikke endres"):
        session.flush()


def test_approved_runs_cannot_be_deleted(session, case):
    run = bill(session, "2025-Q1")
    session.delete(run)
    with pytest.raises(BackofficeError, match="kan ikke endres"):
        session.flush()


def test_late_usage_becomes_a_correction_line_in_the_next_run(session, system, case):
    metering = pytest.importorskip("data.metering.usage")
    bill(session, "2025-Q1")
    metering.close_month(session, system, "2025-03")
    usage(session, system, case["a"], date(2025, 3, 28), 25, tag="late")
    run = bill(session, "2025-Q2")
    (correction,) = [x for x in run.lines if x.kind == "correction"]
    assert (correction.period, correction.organisation_id) == ("2025-Q1", case["a"].id)
    assert (correction.quantity, correction.amount_ore) == (25, 50_000)
    assert correction.unit_price == 2000
    # billed once: the next run has no further correction
    run3 = bill(session, "2025-Q3")
    assert not [x for x in run3.lines if x.kind == "correction"]


def test_credit_and_rebill_one_organisation(session, case):
    from agreements.models import ServiceAppendix

    run = bill(session, "2025-Q1")
    # the appendix of B really started 1 February: fix the agreement, then credit and rebill B
    row = session.scalar(select(ServiceAppendix).where(ServiceAppendix.organisation_id == case["b"].id))
    row.start_date = row.signed_date = date(2025, 2, 1)
    session.flush()
    preview = invoicing.preview_credit(session, FINANCE, {"run": run.number, "reason": "Feil startdato",
                                                          "organisations": [case["b"].municipality_number]})
    assert preview.credit_total_ore == -600_000
    assert preview.rebill_total_ore == 666_667 + 100_000      # February and March: 2/12 × 4 000 000
    credit_run, rebill = credit(session, {
        "run": run.number, "reason": "Feil startdato", "organisations": [case["b"].municipality_number]})
    assert (credit_run.kind, credit_run.number, credit_run.total_ore, credit_run.credits_run_id) == (
        "credit", 2, -600_000, run.id)
    assert (credit_run.prepared_by, credit_run.approved_by) == ("finance", "leader")
    assert all(x.credits_line_id is not None for x in credit_run.lines)
    assert (rebill.kind, rebill.number, rebill.total_ore) == ("rebill", 3, 766_667)
    # history is untouched and the period is billed exactly once per organisation
    assert session.get(InvoiceRun, run.id).total_ore == Q1_TOTAL
    net = session.scalar(select(func.sum(InvoiceLine.amount_ore)).where(InvoiceLine.year == 2025))
    assert net == Q1_TOTAL - 600_000 + 766_667
    with pytest.raises(ConflictError):
        invoicing.approve_run(session, LEADER, {"period": "2025-Q1"})
    rows = {r["number"]: r for r in invoicing.run_rows(session)}
    assert rows[1]["credited_by"] == 2 and rows[2]["credits_run"] == 1
    with pytest.raises(BackofficeError, match="ingen linjer igjen"):
        invoicing.prepare_credit(session, FINANCE, {"run": 1, "reason": "igjen",
                                                    "organisations": [case["b"].municipality_number]})


def test_whole_run_credit_then_the_period_can_be_billed_again(session, case):
    bill(session, "2025-Q1")
    credit(session, {"run": 1, "reason": "Feil prisliste", "rebill": False})
    run = bill(session, "2025-Q1")
    assert run.total_ore == Q1_TOTAL


def test_without_permission_nothing_is_written(session, case):
    for role in ("product_owner", "support", "security", "finance"):
        with pytest.raises(PermissionDenied):
            invoicing.approve_run(session, make_actor(role), {"period": "2025-Q1"})
    for role in ("product_owner", "support", "security", "leader"):
        with pytest.raises(PermissionDenied):
            invoicing.prepare_run(session, make_actor(role), {"period": "2025-Q1"})
    assert session.scalar(select(func.count()).select_from(InvoiceRun)) == 0
    assert bill(session, "2025-Q1").number == 1


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
    bill(session, "2025-Q1")
    with pytest.raises(PermissionDenied):
        invoicing.credit_and_rebill(session, make_actor("product_owner", owned=("svarut",)),
                                    {"run": 1, "reason": "Forsøk"})
    assert session.scalar(select(func.count()).select_from(InvoiceRun)) == 1


def test_credit_needs_a_reason(session, case):
    from data.errors import ValidationFailed

    bill(session, "2025-Q1")
    with pytest.raises(ValidationFailed):
        invoicing.prepare_credit(session, FINANCE, {"run": 1, "reason": ""})


# --- four eyes on money -------------------------------------------------------------------------------------


def test_the_preparer_cannot_approve_and_the_run_records_both_people(session, case):
    both = make_actor("finance", "leader", username="kari-begge")
    request = invoicing.prepare_run(session, both, {"period": "2025-Q1", "reason": "Kvartal"})
    assert (request.status, request.prepared_by, request.expected_total_ore) == (
        "awaiting_approval", "kari-begge", Q1_TOTAL)
    assert request.prepared_at is not None
    (waiting,) = invoicing.requests_awaiting(session)
    assert (waiting["period"], waiting["prepared_by"], waiting["total_ore"]) == ("2025-Q1", "kari-begge", Q1_TOTAL)
    with pytest.raises(PermissionDenied, match="To personer må signere"):
        invoicing.approve_run(session, both, {"period": "2025-Q1"})
    with pytest.raises(ConflictError, match="allerede forberedt av kari-begge"):
        invoicing.prepare_run(session, FINANCE, {"period": "2025-Q1"})
    run = invoicing.approve_run(session, LEADER, {"period": "2025-Q1"})
    assert (run.prepared_by, run.approved_by, run.reason) == ("kari-begge", "leader", "Kvartal")
    assert run.prepared_at <= run.approved_at
    assert (request.status, request.decided_by, request.run_id) == ("approved", "leader", run.id)
    assert invoicing.requests_awaiting(session) == []
    row = invoicing.run_rows(session)[0]
    assert (row["prepared_by"], row["approved_by"]) == ("kari-begge", "leader")


def test_a_leader_cannot_bill_without_a_prepared_run(session, case):
    with pytest.raises(BackofficeError, match="Økonomi forbereder kjøringen først"):
        invoicing.approve_run(session, LEADER, {"period": "2025-Q1"})
    assert session.scalar(select(func.count()).select_from(InvoiceRun)) == 0


def test_a_prepared_run_whose_figures_changed_is_refused(session, system, case):
    invoicing.prepare_run(session, FINANCE, {"period": "2025-Q1"})
    usage(session, system, case["b"], date(2025, 3, 20), 10, tag="later")
    with pytest.raises(ConflictError, match="Forhåndsvis på nytt"):
        invoicing.approve_run(session, LEADER, {"period": "2025-Q1"})


def test_a_withdrawn_run_leaves_the_queue(session, case):
    request = invoicing.prepare_run(session, FINANCE, {"period": "2025-Q1"})
    invoicing.withdraw_request(session, FINANCE, request.id)
    assert request.status == "withdrawn" and invoicing.requests_awaiting(session) == []
    with pytest.raises(BackofficeError, match="allerede avgjort"):
        invoicing.withdraw_request(session, FINANCE, request.id)


def test_the_credit_preparer_cannot_approve_it(session, case):
    bill(session, "2025-Q1")
    bill(session, "2025-Q2")
    both = make_actor("finance", "leader", username="kari-begge")
    invoicing.prepare_credit(session, both, {"run": 1, "reason": "Feil prisliste", "rebill": False})
    with pytest.raises(PermissionDenied, match="To personer må signere"):
        invoicing.credit_and_rebill(session, both, {"run": 1, "reason": "Feil prisliste"})
    with pytest.raises(BackofficeError, match="Økonomi forbereder krediteringen først"):
        invoicing.credit_and_rebill(session, LEADER, {"run": 2, "reason": "Finnes ikke"})


# --- what was agreed is what is billed ----------------------------------------------------------------------


def _appendix_of(session, org):
    from agreements.models import ServiceAppendix

    return session.scalar(select(ServiceAppendix).where(ServiceAppendix.organisation_id == org.id))


def test_an_appendix_agreed_at_another_model_is_listed_and_stops_approval(session, case):
    _appendix_of(session, case["b"]).price_model = "per_inhabitant"      # the list is fixed fee + usage
    _appendix_of(session, case["a"]).price_model = "combined"            # agrees with the list
    session.flush()
    preview = invoicing.preview_run(session, FINANCE, {"period": "2025-Q1"})
    assert [(p["organisation_id"], p["org_number"]) for p in preview.problems] == [
        (case["b"].id, case["b"].org_number)]
    assert "avtaler «Per innbygger», men prislisten priser kommuner som «Fast pris og bruk»" in \
        preview.problems[0]["reason"]
    assert by(preview.lines, case["b"], "fixed") == [] and by(preview.lines, case["b"], "usage") == []
    assert preview.total_ore == Q1_TOTAL - 500_000 - 100_000          # nobody billed by another model
    assert any("1 tjenestevedlegg har ingen avtalt prismodell" in w for w in preview.warnings)   # c
    with pytest.raises(BackofficeError, match=f"{case['b'].name} \\({case['b'].org_number}\\)"):
        invoicing.prepare_run(session, FINANCE, {"period": "2025-Q1"})
    with pytest.raises(BackofficeError, match="kan ikke godkjennes"):
        invoicing.approve_run(session, system_actor("oppsett"), {"period": "2025-Q1"})
    assert session.scalar(select(func.count()).select_from(InvoiceRun)) == 0


@pytest.mark.parametrize(("number", "reason"), [(None, "mangler organisasjonsnummer"),
                                                ("123456789", "123456789 har feil kontrollsiffer")])
def test_an_organisation_without_a_valid_org_number_is_listed_and_stops_approval(session, case, number, reason):
    case["c"].org_number = number
    session.flush()
    preview = invoicing.preview_run(session, FINANCE, {"period": "2025-Q1"})
    (problem,) = preview.problems
    assert (problem["organisation_name"], problem["service_code"]) == (case["c"].name, "svarut")
    assert reason in problem["reason"]
    assert by(preview.lines, case["c"], "fixed") == []
    with pytest.raises(BackofficeError, match=reason):
        invoicing.prepare_run(session, FINANCE, {"period": "2025-Q1"})


def test_a_kind_without_a_price_is_not_billed_per_inhabitant_of_the_county(session, case):
    from data.registers.models import Organisation

    county = session.scalar(select(Organisation).where(Organisation.kind == "county_municipality",
                                                       Organisation.org_number.is_not(None),
                                                       Organisation.valid_to.is_(None)).limit(1))
    appendix(session, county, date(2024, 1, 1))
    preview = invoicing.preview_run(session, FINANCE, {"period": "2025-Q1"})
    (problem,) = preview.problems
    assert problem["organisation_id"] == county.id
    assert "har ingen pris for fylkeskommuner" in problem["reason"]
    assert preview.total_ore == Q1_TOTAL


@pytest.mark.parametrize(("billed", "today", "expected"), [
    ([], date(2026, 12, 7), "2026-Q3"),                                # nothing billed: the last complete quarter
    ([], date(2026, 2, 1), "2025-Q4"),
    (["2026-Q1", "2026-Q2", "2026-Q3"], date(2026, 12, 7), "2026-Q4"),  # the one after the last billed
    (["2026-Q1", "2026-04", "2026-05"], date(2026, 12, 7), "2026-Q2"),  # months count: May billed, June not
    (["2026-Q4"], date(2026, 12, 7), "2026-Q4"),                        # never beyond the current quarter
    (["2025"], date(2026, 3, 1), "2026-Q1"),
])
def test_the_invoice_page_opens_on_the_next_unbilled_quarter(monkeypatch, billed, today, expected):
    monkeypatch.setattr(invoicing, "billed_periods", lambda session: billed)
    assert invoicing.next_unbilled_quarter(None, today) == expected
