
"""Free-text search in main agreements, service appendices and change requests: Æ/Ø/Å fold on every database."""
from datetime import date

import pytest

from agreements import agreements, appendices, change_requests
from tests.agreements.helpers import OWNER, add_appendix, municipality, sign_main

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def test_main_agreement_search_by_name_signatory_and_document(session):
    orland, tromso = municipality(session, "5057"), municipality(session, "5501")
    sign_main(session, orland)
    agreements.save_main_agreement(session, OWNER, {
        "organisation_id": tromso.id, "status": "signed", "signed_date": date(2020, 1, 1),
        "signatory": "Åse Ødegård", "document_ref": "SAK-2020/17_Ø"})

    def names(search):
        return [r["name"] for r in agreements.main_agreement_rows(session, search=search)]

    assert names("ørland") == ["Ørland"]
    assert names("TROMSØ") == ["Tromsø"]
    assert names("ÅSE ØDE") == ["Tromsø"]                     # signatory
    assert names("2020/17_ø") == ["Tromsø"]                   # document reference, _ literal
    assert names("2020/17%") == []
    assert names("  ørland  ") == ["Ørland"]


def test_appendix_search_by_organisation_name(session):
    alesund = municipality(session, "1508")
    sign_main(session, alesund)
    add_appendix(session, alesund, "svarut", date(2024, 1, 1))
    assert [r["organisation"] for r in appendices.appendix_rows(session, search="ÅLESUND")] == ["Ålesund"]
    assert appendices.appendix_rows(session, search="ålesund%") == []


def test_change_request_search(session):
    change_requests.save_change_request(session, OWNER, {
        "service_code": "svarut", "organisation_id": municipality(session, "5057").id,
        "title": "Åpne brev fra Ørland raskere", "description": "Gjelder 50% av brevene",
        "submitted_by": "Øystein Ås", "submitted_on": "05.02.2025"})
    change_requests.save_change_request(session, OWNER, {
        "service_code": "svarut", "organisation_id": municipality(session, "5501").id,
        "title": "Varsel ved ulest brev", "description": "Etter fem dager", "submitted_by": "Kari Nordmann",
        "submitted_on": "06.02.2025"})

    def titles(search):
        return [r["title"] for r in change_requests.change_request_rows(session, search=search)]

    assert titles("ÅPNE") == ["Åpne brev fra Ørland raskere"]          # title
    assert titles("50%") == ["Åpne brev fra Ørland raskere"]           # description
    assert titles("5%") == []                                          # % literal
    assert titles("øystein") == ["Åpne brev fra Ørland raskere"]       # submitted by
    assert titles("TROMSØ") == ["Varsel ved ulest brev"]               # organisation
