"""The agreements' part of a merger plan (data/registers/changes.py): appendices and council seats.

Per service, for each appendix of the predecessor in force on the change date or later:
- a successor that has no appendix for the service gets the predecessor's appendix carried over: a new
  appendix from the change date with the same service, appendix version, status, signature date, end and
  price model (a new municipality takes over the rights and duties of those it replaces), and the
  predecessor's appendix ends the day before, so invoices and adoption before the date stay with it;
- a successor that already has an appendix for the service keeps its own, and the predecessor's ends;
- in a merger of several predecessors with the same service, the first (by name) carries over and the
  others end; in a split each successor without one gets its own copy.
An appendix that starts on or after the change date never ran for the predecessor: it moves whole to the
successor (in a merger) or is flagged (in a split or when the successor has its own).
A successor that receives an appendix and has no main agreement gets one, signed on the change date as
carried over from the predecessor; one that has an unsigned main agreement is flagged. The predecessor's main
agreement is terminated the day before. Council seats held for the predecessor are flagged, never changed:
the user meeting elects the council (agreements/councils.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from agreements.models import AgreementStatus, Council, CouncilMember, MainAgreement, ServiceAppendix
from data.formatting import day
from data.i18n import t
from data.registers.changes import PlanItem, Succession
from data.registers.models import Organisation, SuccessionKind

ROOM = "agreements"


def _has_appendix(session: Session, organisation_id: int, service_id: int, on: date) -> bool:
    return session.scalar(select(ServiceAppendix.id).where(
        ServiceAppendix.organisation_id == organisation_id, ServiceAppendix.service_id == service_id,
        or_(ServiceAppendix.end_date.is_(None), ServiceAppendix.end_date >= on)).limit(1)) is not None


def _carry_main_agreement(session: Session, succession: Succession, successor: Organisation, apply: bool,
                          items: list[PlanItem]) -> None:
    done = succession.shared.setdefault((ROOM, "main"), set())
    if successor.id in done:
        return
    done.add(successor.id)
    main = session.scalar(select(MainAgreement).where(MainAgreement.organisation_id == successor.id))
    if main is None:
        items.append(PlanItem(ROOM, "moves", t("mrg.item.main_carried", successor=successor.name,
                                                predecessor=succession.predecessor.name,
                                                date=day(succession.change_date))))
        if apply:
            session.add(MainAgreement(
                organisation_id=successor.id, status=AgreementStatus.SIGNED.value,
                signed_date=succession.change_date,
                signatory=t("mrg.signatory", predecessor=succession.predecessor.name)[:200],
                notes=t("mrg.main_notes", predecessor=succession.predecessor.name,
                        date=day(succession.change_date))))
            session.flush()
    elif main.status != AgreementStatus.SIGNED.value:
        items.append(PlanItem(ROOM, "flagged", t("mrg.item.main_unsigned", successor=successor.name)))


def _end_main_agreement(session: Session, succession: Succession, apply: bool, items: list[PlanItem]) -> None:
    main = session.scalar(select(MainAgreement).where(MainAgreement.organisation_id == succession.predecessor.id))
    if main is None or main.status == AgreementStatus.TERMINATED.value:
        return
    items.append(PlanItem(ROOM, "ends", t("mrg.item.main_ends", predecessor=succession.predecessor.name,
                                           date=day(succession.last_day))))
    if apply:
        main.status = AgreementStatus.TERMINATED.value
        main.terminated_date = succession.last_day


def merger_participant(session: Session, succession: Succession, apply: bool) -> list[PlanItem]:
    """Describe (apply=False) or do (apply=True) what the merger means for appendices and council seats."""
    predecessor, first_day, last_day = succession.predecessor, succession.change_date, succession.last_day
    claimed = succession.shared.setdefault((ROOM, "claimed"), set())   # (successor id, service id)
    items: list[PlanItem] = []
    appendices = list(session.scalars(
        select(ServiceAppendix).where(ServiceAppendix.organisation_id == predecessor.id,
                                      or_(ServiceAppendix.end_date.is_(None), ServiceAppendix.end_date >= first_day))
        .order_by(ServiceAppendix.service_id, ServiceAppendix.start_date)))
    carried_to: set[int] = set()
    for appendix in appendices:
        service = appendix.service
        takers = [s for s in succession.successors
                  if (s.id, service.id) not in claimed and not _has_appendix(session, s.id, service.id, first_day)]
        if succession.kind == SuccessionKind.MERGER.value:
            takers = takers[:1]
        if appendix.start_date >= first_day:   # never ran for the predecessor: moves whole, or is flagged
            if succession.kind == SuccessionKind.MERGER.value and takers:
                target = takers[0]
                claimed.add((target.id, service.id))
                carried_to.add(target.id)
                items.append(PlanItem(ROOM, "moves", t("mrg.item.appendix_moves_whole", service=service.name,
                                                        successor=target.name, predecessor=predecessor.name),
                                      service.code))
                if apply:
                    appendix.organisation_id = target.id
            else:
                items.append(PlanItem(ROOM, "flagged", t("mrg.item.appendix_future", service=service.name,
                                                          predecessor=predecessor.name,
                                                          start=day(appendix.start_date)), service.code))
            continue
        for target in takers:
            claimed.add((target.id, service.id))
            carried_to.add(target.id)
            items.append(PlanItem(ROOM, "moves", t("mrg.item.appendix_carried", service=service.name,
                                                    successor=target.name, date=day(first_day),
                                                    predecessor=predecessor.name), service.code))
            if apply:
                session.add(ServiceAppendix(
                    organisation_id=target.id, service_id=service.id, appendix_version=appendix.appendix_version,
                    status=appendix.status, signed_date=appendix.signed_date, start_date=first_day,
                    end_date=appendix.end_date, price_model=appendix.price_model,
                    notes=t("mrg.appendix_notes", predecessor=predecessor.name, date=day(first_day))))
        if not takers:
            items.append(PlanItem(ROOM, "ends", t("mrg.item.appendix_ends", service=service.name,
                                                   predecessor=predecessor.name, date=day(last_day),
                                                   successors=", ".join(o.name for o in succession.successors)),
                                  service.code))
        if apply:
            appendix.end_date = last_day
    for successor in succession.successors:
        if successor.id in carried_to:
            _carry_main_agreement(session, succession, successor, apply, items)
    _end_main_agreement(session, succession, apply, items)
    seats = session.scalars(
        select(CouncilMember).where(CouncilMember.organisation_id == predecessor.id,
                                    or_(CouncilMember.term_to.is_(None), CouncilMember.term_to >= first_day))
        .order_by(CouncilMember.id))
    for seat in seats:
        council = session.get(Council, seat.council_id)
        items.append(PlanItem(ROOM, "flagged", t("mrg.item.council_seat", person=seat.person_name,
                                                  role=t(f"agr.role.{seat.role}"), council=council.name,
                                                  predecessor=predecessor.name, date=day(first_day)),
                              council.service.code))
    if apply:
        session.flush()
    return items
