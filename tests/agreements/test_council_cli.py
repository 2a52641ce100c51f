"""`backoffice agreements council|meetings|agenda|record-meeting`: the real commands through the CLI entry point,
on a real database, read back afterwards."""
from datetime import date

import pytest
from sqlalchemy import select

from admin.cli import main
from agreements import councils, roadmap
from agreements.models import ChangeRequest, CouncilDecision, CouncilMeeting
from data import db
from data.audit import AuditEntry
from data.registers.registry import get_service
from data.registers.users import create_user
from tests.agreements.helpers import OWNER, count
from tests.agreements.test_council_decisions import _council, _request  # the same council and requests


@pytest.fixture
def svarut(db_url, system):
    """SvarUt with an elected council (Person 0 chairs), change requests of SvarUt and Digisos, and the
    user `kari`, product owner of SvarUt and Digisos. Returns the change request ids by short name."""
    with db.session_scope(actor=system) as session:
        _council(session)
        item = roadmap.save_roadmap_item(session, OWNER, {"service_code": "svarut", "title": "Varsling",
                                                          "year": 2025, "quarter": 3})
        ids = {
            "varsel": _request(session, "Varsel ved ulest brev", status="assessed", council_priority=1,
                               assessment="Middels innsats", roadmap_item_id=item.id).id,
            "sok": _request(session, "Bedre søk", status="assessed", council_priority=2).id,
            "fresh": _request(session, "Statistikk per avdeling").id,
            "digisos": _request(session, "Vedlegg fra mobil", service="digisos").id,
        }
        kari = create_user(session, system, {"username": "kari", "full_name": "Kari Nordmann",
                                             "roles": ["product_owner"]})
        for code in ("svarut", "digisos"):
            get_service(session, code).product_owner_id = kari.id
    return ids


def _statuses() -> dict[int, str]:
    with db.session_scope() as session:
        return dict(session.execute(select(ChangeRequest.id, ChangeRequest.status)).all())


def _meeting_count() -> int:
    with db.session_scope() as session:
        return count(session, CouncilMeeting) + count(session, CouncilDecision)


def _record(*options: str) -> int:
    return main(["--as", "kari", "agreements", "record-meeting", "--service", "svarut", "--date", "2025-03-12",
                 *options])


def test_a_recorded_meeting_moves_the_request_and_shows_in_meetings(svarut, tmp_path, capsys):
    agenda = tmp_path / "saksliste.txt"
    agenda.write_text("1. Referat\n2. Endringsønsker\n", encoding="utf-8")
    varsel = svarut["varsel"]
    assert _record("--title", "Brukerrådsmøte 1/2025", "--location", "Teams", "--agenda-file", str(agenda),
                   "--decision", "Referat godkjent.",
                   "--decide", str(varsel), "planlagt", "Varsel ved ulest brev planlegges.",
                   "--decision", "Neste møte i september.") == 0
    with db.session_scope() as session:
        meeting = session.scalar(select(CouncilMeeting))
        assert (meeting.meeting_date, meeting.title, meeting.location, meeting.agenda, meeting.minutes) == (
            date(2025, 3, 12), "Brukerrådsmøte 1/2025", "Teams", "1. Referat\n2. Endringsønsker", "")
        assert [(d.number, d.text, d.change_request_id) for d in meeting.decisions] == [
            (1, "Referat godkjent.", None), (2, "Varsel ved ulest brev planlegges.", varsel),
            (3, "Neste møte i september.", None)]
        request = session.get(ChangeRequest, varsel)
        assert (request.status, request.assessment) == ("planned", "Middels innsats")
        [entry] = [e for e in session.scalars(select(AuditEntry).where(
            AuditEntry.table_name == "agreement_change_request", AuditEntry.row_id == str(varsel),
            AuditEntry.action == "update")) if "status" in e.changed_fields()]
        assert entry.actor == "kari"
        meeting_id = meeting.id
    assert capsys.readouterr().out.splitlines() == [
        f"Møtet 12.03.2025 «Brukerrådsmøte 1/2025» er registrert for SvarUt (møte-id {meeting_id}, 3 vedtak).",
        f"Endringsønske nr. {varsel} «Varsel ved ulest brev» er flyttet fra Vurdert til Planlagt."]

    assert main(["agreements", "meetings", "--service", "svarut"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Brukerråd for SvarUt – møter, nyeste først (1):",
        "",
        "12.03.2025  Brukerrådsmøte 1/2025 (Teams)",
        "  1. Referat godkjent.",
        f"  2. Varsel ved ulest brev planlegges. → Endringsønske nr. {varsel} «Varsel ved ulest brev» (planlagt)",
        "  3. Neste møte i september."]
    assert main(["--lang", "en", "agreements", "meetings", "--service", "svarut"]) == 0
    assert f"→ Change request no. {varsel} “Varsel ved ulest brev” (planned)" in capsys.readouterr().out


def test_meetings_are_listed_newest_first_and_a_link_alone_moves_nothing(svarut, capsys):
    sok = svarut["sok"]
    assert _record("--title", "Første møte", "--decide", str(sok), "-", "Søk tas opp igjen.") == 0
    assert capsys.readouterr().out.endswith("Ingen endringsønsker har fått ny status.\n")
    assert main(["--as", "kari", "agreements", "record-meeting", "--service", "svarut", "--date", "17.09.2025",
                 "--title", "Andre møte"]) == 0
    assert _statuses()[sok] == "assessed"
    capsys.readouterr()
    assert main(["agreements", "meetings", "--service", "svarut"]) == 0
    out = capsys.readouterr().out
    assert out.index("17.09.2025  Andre møte\n  Ingen vedtak registrert.") < out.index(
        f"12.03.2025  Første møte\n  1. Søk tas opp igjen. → Endringsønske nr. {sok} «Bedre søk» (vurdert)")


@pytest.mark.parametrize("options, message", [
    (["--decide", "{digisos}", "vurdert", "Vedlegg fra mobil vurderes."],
     "- felt «Endringsønske»: Vedtak 2: endringsønske nr. {digisos} «Vedlegg fra mobil» gjelder Digisos, ikke "
     "SvarUt. Brukerrådet kan bare behandle endringsønsker for sin egen tjeneste."),
    (["--decide", "987654", "planned", "Ukjent."],
     "- felt «Endringsønske»: Vedtak 2 viser til endringsønske nr. 987654, som ikke finnes."),
    (["--decide", "{sok}", "bogus", "Søk."], "- felt «Vedtak»: «bogus» er ikke en gyldig verdi."),
    (["--decide", "{fresh}", "done", "Statistikk er levert."],
     "Vedtak 2 kunne ikke flytte endringsønske nr. {fresh} «Statistikk per avdeling»: Status kan ikke endres fra "
     "«Ny» til «Gjennomført». Mulige neste steg: Vurdert, Avvist."),
], ids=["other-service", "unknown-request", "bad-status", "status-path"])
def test_a_refused_decision_writes_nothing(svarut, capsys, options, message):
    before = _statuses()
    options = [o.format(**svarut) for o in options]
    assert _record("--title", "Brukerrådsmøte 1/2025", "--decide", str(svarut["varsel"]), "planned",
                   "Varsel planlegges.", *options) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message.format(**svarut) in captured.err.splitlines()[-1]
    assert _meeting_count() == 0
    assert _statuses() == before and before[svarut["varsel"]] == "assessed"


def test_a_missing_title_or_date_is_named_in_plain_language(svarut, capsys):
    assert main(["--as", "kari", "agreements", "record-meeting", "--service", "svarut"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "2 feil funnet. Ingenting er lagret. Rett feilene og prøv igjen.",
        "- felt «Møtedato»: Må være en dato, for eksempel 01.02.2024.",
        "- felt «Tittel»: Må fylles ut."]
    assert _meeting_count() == 0


def test_a_missing_agenda_file_is_named_and_nothing_is_written(svarut, tmp_path, capsys):
    missing = tmp_path / "finnes-ikke.txt"
    assert _record("--title", "Møte", "--agenda-file", str(missing), "--decide", str(svarut["varsel"]), "planned",
                   "Varsel planlegges.") == 1
    assert capsys.readouterr().err == f"Fant ikke filen {missing}.\n"
    assert _meeting_count() == 0 and _statuses()[svarut["varsel"]] == "assessed"


def test_a_request_number_that_is_not_a_number_is_refused_by_the_parser(svarut, capsys):
    with pytest.raises(SystemExit) as exit_:
        _record("--title", "Møte", "--decide", "tolv", "planned", "Noe.")
    assert exit_.value.code == 2
    assert "«tolv» er ikke et nummer på et endringsønske" in capsys.readouterr().err
    assert _meeting_count() == 0


def test_the_local_operator_may_record_for_any_service_and_a_plain_user_may_not(svarut, system, capsys):
    assert main(["agreements", "record-meeting", "--service", "svarut", "--date", "2025-03-12",
                 "--title", "Møte"]) == 0
    assert _meeting_count() == 1
    with db.session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.table_name == "agreement_council_meeting")).one()
    assert entry.actor.startswith("cli:")
    capsys.readouterr()
    with db.session_scope() as session:   # a product owner, but of no service
        create_user(session, system, {"username": "lars", "full_name": "Lars Holm", "roles": ["product_owner"]})
    assert main(["--as", "lars", "agreements", "record-meeting", "--service", "svarut", "--date", "2025-03-13",
                 "--title", "Møte 2"]) == 1
    assert "Ingenting er endret." in capsys.readouterr().err
    assert _meeting_count() == 1


def test_council_lists_the_sitting_members_and_what_needs_fixing(svarut, capsys):
    assert main(["agreements", "council", "--service", "svarut", "--date", "2025-05-01"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Brukerråd for SvarUt, medlemmer 01.05.2025:",
        "Navn      Virksomhet           Rolle   Periode",
        "--------  -------------------  ------  --------------",
        "Person 0  Oslo                 Leder   fra 01.01.2025",
        "Person 1  Bergen               Medlem  fra 01.01.2025",
        "Person 2  Trondheim - Tråante  Medlem  fra 01.01.2025",
        "Person 3  Stavanger            Medlem  fra 01.01.2025",
        "Person 4  Tromsø               Medlem  fra 01.01.2025",
        "",
        "Ingenting å rette: rådet har riktig antall medlemmer og en leder, og alle er med i brukermøtet."]

    with db.session_scope() as session:
        chair = next(m for m in councils.member_rows(session, "svarut", date(2025, 5, 1)) if m["role"] == "chair")
        councils.end_membership(session, OWNER, chair["id"], date(2025, 5, 31))
    assert main(["agreements", "council", "--service", "svarut", "--date", "2025-05-15"]) == 0
    assert "Person 0  Oslo                 Leder   01.01.2025–31.05.2025" in capsys.readouterr().out
    assert main(["agreements", "council", "--service", "svarut", "--date", "2025-06-01"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "Person 0" not in "\n".join(out) and len([line for line in out if "fra 01.01.2025" in line]) == 4
    assert out[-3:] == ["Dette må rettes:",
                        "- Brukerrådet må ha 5–8 medlemmer, men har 4 (krav: 5–8; varamedlemmer telles ikke).",
                        "- Brukerrådet har ingen leder."]
    assert main(["agreements", "council", "--service", "svarut", "--date", "31.12.2024"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "Ingen sitter i brukerrådet 31.12.2024."


def test_agenda_lists_the_requests_awaiting_the_council_and_the_text_to_paste(svarut, capsys):
    assert main(["agreements", "agenda", "--service", "svarut"]) == 0
    varsel, sok = svarut["varsel"], svarut["sok"]
    width = max(len(str(varsel)), len(str(sok)), len("Nr."))
    assert capsys.readouterr().out.splitlines() == [
        "Endringsønsker for SvarUt som venter på brukerrådet (2):",
        f"{'Nr.':<{width}}  Tittel                 Virksomhet  Prioritet  Meldt dato",
        f"{'-' * width}  ---------------------  ----------  ---------  ----------",
        f"{varsel:<{width}}  Varsel ved ulest brev  Oslo        1          10.01.2025",
        f"{sok:<{width}}  Bedre søk              Oslo        2          10.01.2025",
        "",
        "Forslag til saksliste (kan limes inn i innkallingen):",
        "Endringsønsker til behandling:",
        f"- nr. {varsel}: Varsel ved ulest brev (Oslo, prioritet 1)",
        f"- nr. {sok}: Bedre søk (Oslo, prioritet 2)"]


def test_empty_states(svarut, capsys):
    assert main(["agreements", "meetings", "--service", "svarut"]) == 0
    assert capsys.readouterr().out == ("Brukerråd for SvarUt har ingen møter ennå. Registrer et med "
                                       "«backoffice agreements record-meeting».\n")
    no_council = ("Digisos har ikke noe brukerråd ennå. Velg rådet på siden «Brukermøte og brukerråd» i appen.\n")
    for command in ("council", "meetings"):
        assert main(["agreements", command, "--service", "digisos"]) == 0
        assert capsys.readouterr().out == no_council
    assert main(["agreements", "agenda", "--service", "digisos"]) == 0
    assert capsys.readouterr().out == "Ingen endringsønsker for Digisos venter på brukerrådet.\n"
    assert main(["--as", "kari", "agreements", "record-meeting", "--service", "digisos", "--date", "2025-03-12",
                 "--title", "Møte"]) == 1
    assert capsys.readouterr().err == "Digisos har ikke noe brukerråd ennå.\n"
    assert main(["agreements", "council", "--service", "atlantis"]) == 1
    assert capsys.readouterr().err == "Fant ingen tjeneste med kode «atlantis».\n"
    assert main(["agreements", "council", "--service", "svarut", "--date", "32.13.2025"]) == 1
    assert "«32.13.2025» er ikke en gyldig dato" in capsys.readouterr().err
