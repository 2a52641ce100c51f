"""The privacy pages (render per role on the demo data, the forms work, empty states) and the commands."""
from __future__ import annotations

import csv
import io

import pytest

from admin import cli
from data import db
from data.support import tickets
from risk.privacy import breaches, documents, notices
from tests.conftest import make_actor
from tests.pages import errors_of, render

PAGES = ("risk/privacy/pages/breaches.py", "risk/privacy/pages/risk_notices.py", "risk/privacy/pages/documents.py")


def test_the_demo_has_a_breach_on_svarut_with_one_late_notice_and_an_overdue_document(demo_url):
    with db.session_scope() as session:
        [row] = breaches.breach_rows(session, include_closed=True)
        assert (row["services"], row["state"], row["sent_late"], row["unsent"]) == ("SvarUt", "sent_late", 1, 0)
        assert row["controllers"] >= 300                 # SvarUt has the most adopters
        states = [r["state"] for r in breaches.controller_rows(session, row["id"])]
        assert states.count("sent_late") == 1 and states.count("sent_in_time") == row["controllers"] - 1
        assert [r["title"] for r in documents.document_rows(session, overdue_only=True)] == [
            "Prosedyre for håndtering av sikkerhetshendelser og brudd på personopplysningssikkerheten"]
        assert [r["service"] for r in notices.notice_rows(session)] == ["svarut"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_on_an_empty_database_with_what_to_do_first(db_url, page):
    app = render(page, make_actor("security"))
    assert not errors_of(app), errors_of(app)
    assert app.title and app.info, page


def test_the_breach_page_refuses_roles_that_may_not_see_it(demo_url):
    for role in ("finance", "portfolio", "architect", "admin"):
        app = render(PAGES[0], make_actor(role))
        assert "Denne siden er ikke tilgjengelig for din rolle." in errors_of(app)


def test_security_officer_marks_an_incident_as_a_breach_on_the_page(demo_url):
    app = render(PAGES[0], make_actor("security", username="sikkerhet"))
    assert not errors_of(app), errors_of(app)
    assert app.dataframe
    [incident] = [r for r in _incidents() if r["service"] == "fiks-io"]
    next(s for s in app.selectbox if s.label == "Sikkerhetshendelse").select(incident["id"]).run()
    next(b for b in app.button if b.label == "Marker som personvernbrudd").click().run()
    assert not errors_of(app), errors_of(app)
    with db.session_scope() as session:
        rows = breaches.breach_rows(session)
        assert len(rows) == 2
        new = next(r for r in rows if r["services"] == "Fiks IO")
        assert new["controllers"] > 0 and new["state"] == "late"   # the demo incident is days old
    assert [w.value for w in app.warning] == [
        f"{new['reference']} Mistenkelig pålogging på Fiks IO-konto: {new['controllers']} behandlingsansvarlige er "
        f"ikke varslet, og fristen gikk ut {breaches.when(new['deadline'])}."]


def _incidents():
    with db.session_scope() as session:
        return breaches.incidents_to_mark(session)


def test_documents_page_warns_about_the_overdue_review(demo_url):
    app = render(PAGES[2], make_actor("security", username="sikkerhet"))
    assert any("Prosedyre for håndtering av sikkerhetshendelser" in e.value and "revidert for" in e.value
               for e in app.warning)
    assert not errors_of(app)


def test_risk_notice_page_for_the_product_owner(demo_url):
    app = render(PAGES[1], make_actor("product_owner", username="produkt", owned=("svarut", "digisos")))
    assert not errors_of(app), errors_of(app)
    service = app.selectbox[0]
    assert service.value == "digisos"            # by name: Digisos first
    assert any("ikke delt med kommunene" in w.value for w in app.warning)
    assert any(c.label == "Jeg vil sende varselet til " + str(len(_recipients("digisos"))) + " virksomheter"
               for c in app.checkbox)
    service.select("svarut").run()
    assert any("ble sendt" in s.value for s in app.success)


def _recipients(code):
    with db.session_scope() as session:
        return notices.draft(session, code)["recipients"]


@pytest.mark.parametrize("role", ["security", "product_owner", "leader"])   # every role, in bokmål: tests/admin
def test_notice_and_document_pages_render_in_english(demo_url, role):
    for page in PAGES[1:]:
        app = render(page, make_actor(role, owned=("svarut",)), language="en")
        assert not errors_of(app), (page, errors_of(app))


# --- the commands -------------------------------------------------------------------------------------------


def test_breach_commands(demo_url, tmp_path, capsys):
    assert cli.main(["risk", "breach", "list"]) == 0
    out = capsys.readouterr().out
    assert "PB-" in out and "Varslet etter fristen" in out and "SvarUt: Brev sendt til feil mottaker i SvarUt" in out
    with db.session_scope() as session:
        [row] = breaches.breach_rows(session)
    assert cli.main(["risk", "breach", "notices", "--breach", row["reference"], "-o", str(tmp_path / "ut")]) == 0
    files = sorted(p.name for p in (tmp_path / "ut").iterdir())
    assert len(files) == row["controllers"] + 2
    merge = list(csv.reader(io.StringIO((tmp_path / "ut" / f"{row['reference']}-flettefil.csv")
                                        .read_text("utf-8-sig")), delimiter=";"))
    assert len(merge) == row["controllers"] + 1
    capsys.readouterr()
    assert cli.main(["risk", "breach", "notices", "--breach", "x1", "-o", str(tmp_path)]) == 1
    assert capsys.readouterr().err == "Ugyldig brudd «x1». Bruk nummeret, for eksempel 3 eller PB-3.\n"


def test_mark_and_record_from_the_command_line(demo_url, capsys):
    [incident] = [r for r in _incidents() if r["service"] == "fiks-io"]
    assert cli.main(["risk", "breach", "mark", "--ticket", str(incident["ticket_number"]), "--aware",
                     "2026-12-01 09:00", "--title", "Mistenkelig pålogging", "--hours", "12"]) == 0
    out = capsys.readouterr().out
    assert "skal varsles" in out
    with db.session_scope() as session:
        new = next(r for r in breaches.breach_rows(session) if r["services"] == "Fiks IO")
        first = breaches.controller_rows(session, new["id"])[0]
    assert new["hours"] == 12
    assert cli.main(["risk", "breach", "sent", "--breach", str(new["id"]), "--org", first["org_number"],
                     "--at", "2026-12-01 15:00"]) == 0
    capsys.readouterr()
    assert cli.main(["risk", "breach", "sent", "--breach", str(new["id"]), "--org", "000000000"]) == 1
    assert capsys.readouterr().err == "Ukjent organisasjonsnummer: 000000000. Ingenting er lagret.\n"
    with db.session_scope() as session:
        row = next(r for r in breaches.controller_rows(session, new["id"]) if r["org_number"] == first["org_number"])
    assert row["state"] == "sent_in_time"
    assert cli.main(["--as", "okonomi", "risk", "breach", "sent", "--breach", str(new["id"]), "--all"]) == 1


def test_risk_notice_and_documents_commands(demo_url, tmp_path, capsys):
    assert cli.main(["risk", "notice", "--service", "digisos", "-o", str(tmp_path / "utkast")]) == 0
    assert "utkast" in capsys.readouterr().out.lower()
    assert sorted(p.name for p in (tmp_path / "utkast").iterdir())[0] == "risikovarsel-digisos-v1-utkast-mottakere.csv"
    assert cli.main(["--as", "produkt", "risk", "notice", "--service", "digisos", "--send", "-o",
                     str(tmp_path / "sendt")]) == 0
    with db.session_scope() as session:
        assert [r["service"] for r in notices.notice_rows(session)] == ["digisos", "svarut"]
    assert cli.main(["--as", "okonomi", "risk", "notice", "--service", "svarut", "--send", "-o", str(tmp_path)]) == 1
    capsys.readouterr()
    assert cli.main(["risk", "documents", "--overdue"]) == 0
    assert "Revisjon på overtid" in capsys.readouterr().out
    assert cli.main(["risk", "documents", "-o", str(tmp_path / "dok.xlsx")]) == 0
    assert (tmp_path / "dok.xlsx").stat().st_size > 0


def test_the_security_incident_list_links_to_the_breach_page(demo_url):
    assert ("priv.page.mark_from_incident", "risk/privacy/pages/breaches.py", "personvernbrudd") in \
        tickets.incident_pages()
    app = render("data/support/pages/security.py", make_actor("security"))
    assert not errors_of(app)
    shown = [m.value for m in app.markdown] + [str(getattr(p, "proto", "")) for p in app.get("page_link")]
    assert any("Marker en sikkerhetshendelse som personvernbrudd" in text for text in shown)
    app = render("data/support/pages/security.py", make_actor("support"))
    shown = [m.value for m in app.markdown] + [str(getattr(p, "proto", "")) for p in app.get("page_link")]
    assert not any("personvernbrudd" in text for text in shown)
