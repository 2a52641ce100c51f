"""The demo leaves something from pricing in the leader's approvals queue: the Digisos 2027 calculation finance
(okonomi) sent for approval, and the last billed quarter's Fiks IO run finance prepared. Both are real requests
the leader (leder) can decide, and the next quarter is still finance's to prepare."""
from __future__ import annotations

from sqlalchemy import select

from admin import approvals
from data.access import Actor
from data.errors import BackofficeError, ConflictError
from pricing import pricelists
from pricing.invoicing import runs as invoicing
from pricing.invoicing.models import InvoiceRun
from pricing.models import PriceCalculation
from tests.conftest import make_actor

LEADER = Actor(username="leder", roles=frozenset({"leader"}), full_name="Lise Leder")


def _next_quarter(period: str) -> str:
    year, quarter = int(period[:4]), int(period[-1])
    return f"{year + 1}-Q1" if quarter == 4 else f"{year}-Q{quarter + 1}"


def test_the_demo_queue_holds_a_price_list_and_an_invoice_run_for_the_leader(demo_session):
    items = approvals.pending(demo_session, LEADER).items
    price_lists = [i for i in items if i["kind"] == "price_list"]
    assert [(i["title"], i["asked_by"], i["asked_by_name"], i["page"]) for i in price_lists] == [
        ("Digisos 2027 – Kalkyle 1 (venter på godkjenning)", "okonomi", "Øystein Økonomi",
         "pricing/pages/price_lists.py")]
    billed = [r.period for r in demo_session.scalars(select(InvoiceRun).where(InvoiceRun.kind == "regular"))]
    last = max(billed)
    runs = [i for i in items if i["kind"] == "invoice_run"]
    assert [(i["title"], i["asked_by"], i["asked_by_name"], i["page"]) for i in runs] == [
        (f"Fakturering {last[-1]}. kvartal {last[:4]} – Fiks IO", "okonomi", "Øystein Økonomi",
         "pricing/invoicing/pages/runs.py")]
    (request,) = invoicing.requests_awaiting(demo_session)
    assert request["total_ore"] > 0 and request["lines"] > 0
    # the rest of that quarter is billed, service by service; Fiks IO's run is the one waiting
    services = set(demo_session.scalars(select(InvoiceRun.service_code).where(InvoiceRun.period == last)))
    assert services == {"digisos", "minside", "svarut"}

    # the leader can decide both, from what the demo holds (nothing changed since finance prepared them)
    run = invoicing.approve_run(demo_session, LEADER, {"period": last, "service": "fiks-io"})
    assert (run.prepared_by, run.approved_by, run.total_ore) == ("okonomi", "leder", request["total_ore"])
    calc_id = demo_session.scalar(select(PriceCalculation.id).where(PriceCalculation.status == "awaiting_approval"))
    price_list = pricelists.approve(demo_session, LEADER, {"calculation_id": calc_id, "comment": "Vedtatt"})
    assert (price_list.prepared_by, price_list.approved_by) == ("okonomi", "leder")
    assert [i["kind"] for i in approvals.pending(demo_session, LEADER).items
            if i["kind"] in ("price_list", "invoice_run")] == []


def test_the_waiting_run_does_not_stop_finance_preparing_the_next_quarter(demo_session):
    last = max(demo_session.scalars(select(InvoiceRun.period).where(InvoiceRun.kind == "regular")))
    try:     # what the browser workflow does: prepare the quarter after the last one billed
        invoicing.prepare_run(demo_session, make_actor("finance", username="frida"), {"period": _next_quarter(last)})
    except ConflictError as error:
        raise AssertionError(f"the demo's waiting run stops the next quarter: {error}") from error
    except BackofficeError:
        pass      # nothing to bill yet (a quarter beyond the demo's price lists) is not the demo's doing
