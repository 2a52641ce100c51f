"""The management system's documents (section 8.4: "et sett med rutiner og prosedyrer" built on ISO 27001,
27002 and 27701 and measured against NSM's basic principles): policies, procedures and routines with their
owner, version, approval and next review, and the NSM principles and ISO/IEC 27001 controls each serves.

Rules: the owner is a user of the app; the approver is never the owner, nor whoever registered the document or
prepared (saved) the version to approve, even when someone else owns it (two people sign what matters);
a policy is approved by the leader, a procedure or routine by the leader or the security officer; an
approval sets the next review (the approval day plus the document's review interval unless given); a new
version of an approved document waits for a new approval; approving the same version again records a review.
A review is overdue the day after its date. NSM principles are checked against risk's NSM reference
(risk/reference/nsm_grunnprinsipper.csv); ISO/IEC 27001 control ids are kept as text, checked only for their
shape (A.5.24, 8.15): no control catalogue is shipped, as none is sourced here.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Kpi
from data.crud import for_edit, get_or_raise
from data.db import utcnow
from data.errors import BackofficeError, PermissionDenied, validate
from data.formatting import OSLO, day, number
from data.i18n import t
from data.registers.models import User
from data.registers.users import get_user
from data.textsearch import equals_folded
from risk import nsm, signoff
from risk.privacy.models import MsDocument, MsDocumentApproval
from risk.privacy.schemas import ApproveIn, DocumentIn, DocumentKind, DocumentStatus, id_key

DUE_SOON_DAYS = 30
PAGE = "risk/privacy/pages/documents.py"


def add_months(start: date, months: int) -> date:
    """`months` after `start` (the month's last day when the day does not exist)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def today() -> date:
    """Today in Norway."""
    return utcnow().astimezone(OSLO).date()


def get_document(session: Session, document_id: int) -> MsDocument:
    return get_or_raise(session, MsDocument, document_id, "priv.doc.not_found")


def _check_principles(ids: list[str]) -> list[str]:
    known = {p.id for p in nsm.principles()}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise BackofficeError(t("priv.doc.unknown_principles", ids=", ".join(unknown)))
    return sorted(set(ids), key=id_key)


def save_document(session: Session, actor: Actor, payload, document_id: int | None = None,
                  expected_version: int | None = None) -> MsDocument:
    """Register a document or change one; a new version of an approved document waits for approval."""
    actor.require("risk.write")
    data = validate(DocumentIn, payload)
    owner = get_user(session, data.owner)
    principles = _check_principles(data.nsm_principles)
    same_title = select(MsDocument.id).where(equals_folded(MsDocument.title, data.title))
    if document_id is not None:
        same_title = same_title.where(MsDocument.id != document_id)
    if session.scalar(same_title) is not None:
        raise BackofficeError(t("priv.doc.title_taken", title=data.title))
    if document_id is None:
        document = MsDocument(created_by=actor.username, status=DocumentStatus.DRAFT.value)
        session.add(document)
    else:
        document = for_edit(session, MsDocument, document_id, expected_version, "priv.doc.not_found")
    values = data.model_dump()
    values.update(kind=data.kind.value, owner=owner.username, nsm_principles=principles)
    for field, value in values.items():
        setattr(document, field, value)
    if document_id is None or session.is_modified(document):
        document.prepared_by = actor.username      # who prepared what waits for approval (never its approver)
    if document.approved_version is not None and document.doc_version != document.approved_version:
        document.status = DocumentStatus.DRAFT.value
    elif document.approved_version is not None:
        document.status = DocumentStatus.APPROVED.value
    session.flush()
    return document


def _require_approver(actor: Actor, document: MsDocument) -> None:
    """Who may approve: a policy the leader, a procedure or routine the leader or the security officer; never
    its owner, nor whoever registered it or prepared the version to approve, even when someone else owns it."""
    if document.kind == DocumentKind.POLICY.value:
        actor.require("risk.approve")
    elif not (actor.can("risk.approve") or actor.can("risk.write")):
        actor.require("risk.approve")
    if actor.username.strip().casefold() == document.owner.strip().casefold():
        raise PermissionDenied(t("priv.doc.own_approval", title=document.title))
    what = t("priv.doc.what", title=document.title)
    permission = "risk.approve" if actor.can("risk.approve") else "risk.write"
    signoff.require_other_person(actor, permission, what, prepared=document.prepared_by,
                                 registered=document.created_by)


def approve_document(session: Session, actor: Actor, document_id: int, payload,
                     expected_version: int | None = None) -> MsDocument:
    """Approve the document's current version (or record a review of an approved version)."""
    document = get_document(session, document_id)
    _require_approver(actor, document)
    data = validate(ApproveIn, payload)
    document = for_edit(session, MsDocument, document_id, expected_version, "priv.doc.not_found")
    if data.approved_on > today():
        raise BackofficeError(t("priv.doc.future_approval", date=day(data.approved_on)))
    next_review = data.next_review or add_months(data.approved_on, document.review_months)
    if next_review <= data.approved_on:
        raise BackofficeError(t("priv.doc.review_before_approval", date=day(next_review)))
    document.status = DocumentStatus.APPROVED.value
    document.approved_version, document.approved_by = document.doc_version, actor.username
    document.approved_on, document.next_review = data.approved_on, next_review
    session.add(MsDocumentApproval(document_id=document.id, doc_version=document.doc_version,
                                   approved_by=actor.username, approved_on=data.approved_on,
                                   next_review=next_review, note=data.note))
    session.flush()
    return document


def review_state(next_review: date | None, status: str, on: date) -> str:
    """overdue (the review date has passed), due_soon (within 30 days), ok, or draft (waits for approval)."""
    if next_review is not None and next_review < on:
        return "overdue"
    if status != DocumentStatus.APPROVED.value:
        return "draft"
    if next_review is not None and next_review <= on + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "ok"


def _names(session: Session) -> dict[str, str]:
    return {u.casefold(): n or u for u, n in session.execute(select(User.username, User.full_name))}


def document_rows(session: Session, kind: str | None = None, overdue_only: bool = False,
                  on: date | None = None) -> list[dict]:
    """The documents with owner and approver by name and their review state; overdue first."""
    on = on or today()
    names = _names(session)
    query = select(MsDocument).order_by(MsDocument.next_review.is_(None), MsDocument.next_review, MsDocument.title)
    if kind:
        query = query.where(MsDocument.kind == kind)
    if overdue_only:
        query = query.where(MsDocument.next_review < on)
    rows = []
    for document in session.scalars(query):
        rows.append({
            "id": document.id, "kind": document.kind, "title": document.title, "purpose": document.purpose,
            "location": document.location, "owner": document.owner,
            "owner_name": names.get(document.owner.casefold(), document.owner),
            "doc_version": document.doc_version, "status": document.status,
            "approved_version": document.approved_version,
            "approved_by": names.get((document.approved_by or "").casefold(), document.approved_by),
            "approved_on": document.approved_on, "next_review": document.next_review,
            "review_months": document.review_months,
            "nsm_principles": ", ".join(document.nsm_principles or ()),
            "iso_controls": ", ".join(document.iso_controls or ()),
            "state": review_state(document.next_review, document.status, on),
            "days_overdue": (on - document.next_review).days
            if document.next_review and document.next_review < on else 0,
            "version": document.version, "created_by": document.created_by, "prepared_by": document.prepared_by,
        })
    return rows


def approval_rows(session: Session, document_id: int) -> list[dict]:
    names = _names(session)
    return [{"doc_version": a.doc_version, "approved_by": names.get(a.approved_by.casefold(), a.approved_by),
             "approved_on": a.approved_on, "next_review": a.next_review, "note": a.note}
            for a in session.scalars(select(MsDocumentApproval).where(MsDocumentApproval.document_id == document_id)
                                     .order_by(MsDocumentApproval.id.desc()))]


def overdue_count(session: Session, on: date | None = None) -> int:
    return int(session.scalar(select(func.count()).select_from(MsDocument)
                              .where(MsDocument.next_review < (on or today()))) or 0)


def coverage(session: Session) -> list[dict]:
    """For each NSM principle, the documents that serve it (a principle without one is a gap to see)."""
    served: dict[str, list[str]] = {}
    for title, principles in session.execute(select(MsDocument.title, MsDocument.nsm_principles)):
        for principle in principles or ():
            served.setdefault(principle, []).append(title)
    return [{"principle": p.id, "title": p.title, "documents": ", ".join(sorted(served.get(p.id, []))),
             "count": len(served.get(p.id, []))} for p in nsm.principles()]


def kpis(session: Session, _actor: Actor) -> list[Kpi]:
    return [Kpi(t("priv.kpi.overdue_documents"), number(overdue_count(session)), t("priv.kpi.overdue_documents_help"))]


def owner_choices(session: Session) -> list[tuple[str, str]]:
    """(username, name) of the active users, by name: who may own a document."""
    return [(u, n or u) for u, n in session.execute(select(User.username, User.full_name)
                                                    .where(User.active.is_(True)).order_by(User.full_name))]


def can_approve(actor: Actor, kind: str) -> bool:
    return actor.can("risk.approve") or (kind != DocumentKind.POLICY.value and actor.can("risk.write"))


def may_approve(actor: Actor, row: dict) -> bool:
    """Whether `actor` may approve the document of `row` (a document_rows row): the right role, and neither its
    owner nor whoever registered it or prepared its version (what approve_document checks)."""
    if not can_approve(actor, row["kind"]) or row["owner"].strip().casefold() == actor.username.strip().casefold():
        return False
    permission = "risk.approve" if actor.can("risk.approve") else "risk.write"
    return signoff.may_approve(actor, permission, prepared=row["prepared_by"], registered=row["created_by"])
