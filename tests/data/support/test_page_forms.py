"""The support pages' forms behave: a mapping is added once and the form drawn empty, a refused mapping keeps
what was typed; the security follow-up closes the chosen incident and the next one's form starts empty."""
from __future__ import annotations

from sqlalchemy import func, select

from data import db
from data.support import tickets as support
from data.support.freshdesk import import_tickets
from data.support.models import SupportTicket
from tests.conftest import make_actor
from tests.pages import errors_of, render

TICKETS = "data/support/pages/tickets.py"
SECURITY = "data/support/pages/security.py"
SUPPORTER = make_actor("support", username="sunniva")
SAVED_BEFORE = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."
CSV = ("Ticket ID,Subject,Status,Priority,Source,Type,Group,Agent,Created time,Resolved time,Closed time,"
       "Last update time,Company,Tags\n"
       "101,Brev ikke levert,Open,High,Email,Incident,Brukerstøtte,Kari,2026-03-02 09:15:00,,,2026-03-02 10:00:00,"
       "Bergen,svarut\n"
       "102,Innlogging feiler,Open,Urgent,Email,Incident,Brukerstøtte,Kari,2026-03-03 09:15:00,,,"
       "2026-03-03 10:00:00,Bergen,svarut\n").encode()


def mappings() -> list[tuple]:
    with db.session_scope() as s:
        return [(m["kind"], m["value"], m["service"]) for m in support.mapping_rows(s)]


def value_field(app):
    return next(i for i in app.text_input if i.label == "Stikkord, gruppe eller navn")


def add(app):
    next(b for b in app.button if b.label == "Legg til kobling").click().run()
    return app


def test_a_mapping_is_added_once_and_the_form_is_drawn_empty(db_url):
    before = mappings()
    app = render(TICKETS, SUPPORTER)
    assert errors_of(app) == []
    value_field(app).input("eformidling")
    next(s for s in app.selectbox if s.label == "Tjeneste").set_value("svarut")
    add(app)
    assert errors_of(app) == []
    assert sorted(set(mappings()) - set(before)) == [("service_tag", "eformidling", "svarut")]
    assert value_field(app).value == ""
    value_field(app).input("eformidling")
    next(s for s in app.selectbox if s.label == "Tjeneste").set_value("svarut")
    add(app)
    assert len(mappings()) == len(before) + 1 and SAVED_BEFORE in [i.value for i in app.info]


def test_a_refused_mapping_keeps_what_was_typed(db_url):
    before = mappings()
    app = render(TICKETS, SUPPORTER)
    next(s for s in app.selectbox if s.label == "Hva kobles").set_value("organisation")
    value_field(app).input("Bergen kommune IT")
    add(app)                                                              # no organisation chosen
    assert [e.value for e in app.error] == ["Velg hvilken virksomhet navnet betyr."]
    assert mappings() == before
    assert value_field(app).value == "Bergen kommune IT"
    assert next(s for s in app.selectbox if s.label == "Hva kobles").value == "organisation"


def test_the_security_follow_up_closes_the_chosen_incident(db_url):
    with db.session_scope(actor=SUPPORTER) as s:
        import_tickets(s, SUPPORTER, CSV)
        ids = {t.ticket_number: t.id for t in s.scalars(select(SupportTicket))}
        for number in (101, 102):
            support.mark_security_incident(s, SUPPORTER, ids[number], {"note": "Mulig feilsendt brev"})
    app = render(SECURITY, make_actor("security", username="siri"))
    assert errors_of(app) == []
    outcome = next(a for a in app.text_area if a.label == "Oppfølging")
    outcome.input("Brevet ble stoppet før levering")
    next(b for b in app.button if b.label == "Lukk hendelsen").click().run()
    assert errors_of(app) == []
    with db.session_scope() as s:
        closed = s.get(SupportTicket, ids[101])
        assert (closed.security_outcome, closed.security_closed_by) == ("Brevet ble stoppet før levering", "siri")
        assert s.scalar(select(func.count()).select_from(SupportTicket)
                        .where(SupportTicket.security_closed_at.is_(None),
                               SupportTicket.security_incident.is_(True))) == 1
    assert next(a for a in app.text_area if a.label == "Oppfølging").value == ""     # the next incident's form
