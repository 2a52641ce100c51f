"""Who to tell about a change with an outage or user impact, and the message to send them."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from admin.changeboard import changes as cb
from admin.changeboard import hooks
from data.i18n import get_language, set_language, t


@dataclass
class Recipient:
    organisation: str
    org_number: str
    email: str
    services: list[str]


@dataclass
class Notice:
    reference: str
    needed: bool                 # outage or user impact
    from_appendices: bool        # False: all organisations (the agreements module is not there yet)
    recipients: list[Recipient]
    without_email: list[str]
    subject: dict[str, str]      # language -> text
    body: dict[str, str]


@contextmanager
def language(code: str):
    before = get_language()
    set_language(code)
    try:
        yield
    finally:
        set_language(before)


def _message(item, service_names: list[str]) -> tuple[str, str]:
    services = ", ".join(service_names) or t("cb.notify.our_services")
    window = cb.window_text(item.planned_start, item.planned_end)
    subject = t("cb.notify.subject_outage" if item.outage else "cb.notify.subject_change", services=services,
                window=window)
    parts = [t("cb.notify.greeting"), "",
             t("cb.notify.intro_outage" if item.outage else "cb.notify.intro_change", services=services,
               window=window), "",
             t("cb.notify.what", title=item.title)]
    if item.outage:
        parts.append(t("cb.notify.outage_line"))
    if item.user_impact:
        parts.append(t("cb.notify.impact_line"))
    parts += ["", t("cb.notify.todo"), "", t("cb.notify.contact", ref=item.reference), "", t("cb.notify.regards")]
    return subject, "\n".join(parts)


def who_to_tell(session: Session, item_id: int, on_date: date | None = None) -> Notice:
    item = cb.get_item(session, item_id)
    on_date = on_date or (item.planned_start.astimezone(cb.OSLO).date() if item.planned_start else date.today())
    needed = bool(item.outage or item.user_impact)
    by_org: dict[int, Recipient] = {}
    without: dict[int, str] = {}
    from_appendices = True  # always now that the change board reads agreements directly
    if needed:
        for service in item.services:
            for org in hooks.organisations_for_service(session, service.code, on_date):
                if org.id in by_org:
                    by_org[org.id].services.append(service.name)
                    continue
                if not org.contact_email:
                    without[org.id] = org.name
                    continue
                by_org[org.id] = Recipient(org.name, org.org_number or "", org.contact_email, [service.name])
    names = [s.name for s in item.services]
    subject, body = {}, {}
    for code in ("nb", "en"):
        with language(code):
            subject[code], body[code] = _message(item, names)
    recipients = sorted(by_org.values(), key=lambda r: r.organisation)
    return Notice(item.reference, needed, from_appendices, recipients, sorted(without.values()), subject, body)


def message_text(notice: Notice) -> str:
    """Both languages in one text, ready to paste into an e-mail (bokmål first)."""
    blocks = []
    for code in ("nb", "en"):
        blocks.append(f"{notice.subject[code]}\n\n{notice.body[code]}")
    return "\n\n-----\n\n".join(blocks) + "\n"
