"""All-or-nothing import of the register sheet, Norwegian dates, round trip, corrections, CLI."""
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from agreements import exports, imports
from agreements.models import MainAgreement, ServiceAppendix
from data.audit import AuditEntry
from data.errors import PermissionDenied, ValidationFailed
from tests.agreements.helpers import OWNER, add_appendix, count, municipality, sign_main
from tests.conftest import make_actor

HEADERS = ["Organisasjonsnummer", "Virksomhet", "Hovedavtale status", "Hovedavtale signert", "Signert av",
           "Tjeneste", "Vedlegg status", "Vedlegg signert", "Startdato", "Sluttdato", "Prismodell", "Kommentar"]
FINANCE = make_actor("finance", username="okonomi")


def sheet(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def numbered(session, *numbers):
    """Give the municipalities valid organisation numbers (the template has none)."""
    import random

    from data.demo import generated_org_number

    rng = random.Random(7)
    orgs = []
    for number in numbers:
        org = municipality(session, number)
        org.org_number = generated_org_number(rng)
        orgs.append(org)
    session.flush()
    return orgs


def test_import_with_norwegian_dates_names_and_labels(session):
    oslo, bergen = numbered(session, "0301", "4601")
    content = sheet([
        [None, "Oslo kommune", "Signert", "01.02.2015", "Kari Nordmann", "SvarUt", "Signert", "15.01.2016",
         "01.02.2016", None, "Per enhet (bruk)", "ok"],
        [None, "Oslo kommune", "Signert", "01.02.2015", None, "digisos", None, "1.3.2019", "1.4.2019",
         "31.12.24", "per_inhabitant", None],
        [bergen.org_number, "Bergen", "Signert", datetime(2016, 5, 1), "Ola Nordmann", None, None, None, None, None,
         None, "bare hovedavtale"],
    ])
    result = imports.import_register(session, FINANCE, content)
    assert result["main_created"] == 2 and result["appendices_created"] == 2 and result["rows"] == 3
    main = session.scalar(select(MainAgreement).where(MainAgreement.organisation_id == oslo.id))
    assert (main.status, main.signed_date, main.signatory) == ("signed", date(2015, 2, 1), "Kari Nordmann")
    rows = session.execute(select(ServiceAppendix.status, ServiceAppendix.signed_date, ServiceAppendix.start_date,
                                  ServiceAppendix.end_date, ServiceAppendix.price_model)
                           .where(ServiceAppendix.organisation_id == oslo.id)
                           .order_by(ServiceAppendix.start_date)).all()
    assert rows == [("signed", date(2016, 1, 15), date(2016, 2, 1), None, "per_unit"),
                    ("signed", date(2019, 3, 1), date(2019, 4, 1), date(2024, 12, 31), "per_inhabitant")]


def test_mixed_good_and_bad_rows_write_nothing_and_report_each(session):
    (oslo,) = numbered(session, "0301")
    good = [oslo.org_number, "Oslo", "Signert", "01.02.2015", "Kari", "SvarUt", "Signert", "01.01.2016",
            "01.02.2016", None, None, None]
    content = sheet([
        good,                                                                                         # row 2
        ["123456789", None, "Signert", "01.02.2015", None, None, None, None, None, None, None, None],  # 3
        [None, "Bergen", "Signert", "31.02.2015", None, "SvarUt", None, None, "01.01.2020", None, None, None],  # 4
        [None, "Trondheim", "Signert", "01.01.2015", None, "Svarut 2", None, None, "01.01.2020", None, None,
         None],  # 5
        [None, "Stavanger", "Signert", "01.01.2015", None, "Digisos", "Signert", "01.01.2020", "01.06.2020",
         "01.01.2020", None, None],  # 6
        [None, "Atlantis", "Signert", "01.01.2015", None, None, None, None, None, None, None, None],  # 7
        [oslo.org_number, "Bergen", None, None, None, "Digisos", None, None, "01.01.2020", None, None, None],  # 8
        [None, "Tromsø", "Kanskje", None, None, "SvarUt", None, None, None, None, "billig", None],  # 9
    ])
    with pytest.raises(ValidationFailed) as error:
        imports.import_register(session, FINANCE, content)
    found = {(e.row, e.field) for e in error.value.errors}
    assert found == {
        (3, "Organisasjonsnummer"), (4, "Hovedavtale signert"), (5, "Tjeneste"), (6, "Sluttdato"), (7, "Virksomhet"),
        (8, "Virksomhet"), (9, "Hovedavtale status"), (9, "Startdato"), (9, "Prismodell"),
    }
    messages = {(e.row, e.field): e.message for e in error.value.errors}
    assert messages[(3, "Organisasjonsnummer")].startswith("Organisasjonsnummeret «123456789» er ikke gyldig")
    assert messages[(4, "Hovedavtale signert")].startswith("«31.02.2015» er ikke en gyldig dato")
    assert messages[(8, "Virksomhet")] == (f"Organisasjonsnummer {oslo.org_number} tilhører Oslo, ikke «Bergen». "
                                           "Sjekk nummeret.")
    assert "Rad 4, felt «Hovedavtale signert»" in error.value.message
    assert count(session, MainAgreement) == 0 and count(session, ServiceAppendix) == 0


def test_rule_errors_found_while_applying_roll_everything_back(session):
    content = sheet([
        [None, "Oslo", "Signert", "01.02.2015", None, "SvarUt", "Signert", "01.01.2016", "01.01.2016", None, None,
         None],
        [None, "Bergen", "Sendt", None, None, "SvarUt", "Signert", "01.01.2016", "01.01.2016", None, None, None],
        [None, "Oslo", "Signert", "01.02.2015", None, "SvarUt", "Signert", "01.01.2019", "01.06.2019",
         "01.06.2018", None, None],
        [None, "Oslo", "Signert", "01.02.2015", None, "SvarUt", "Signert", "01.01.2019", "01.01.2019", None, None,
         None],
    ])
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ValidationFailed) as error:
        imports.import_register(session, FINANCE, content)
    messages = {(e.row, e.field): e.message for e in error.value.errors}
    assert messages[(3, "Vedlegg status")].startswith("Bergen har ikke signert hovedavtale")
    assert messages[(4, "Sluttdato")] == "Sluttdato kan ikke være før startdato."
    assert messages[(5, "Startdato")].startswith("Oslo har allerede et tjenestevedlegg for SvarUt i perioden "
                                                 "01.01.2016–løpende")
    assert count(session, MainAgreement) == 0 and count(session, ServiceAppendix) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def _demo_register(session):
    oslo, bergen, tromso = (municipality(session, n) for n in ("0301", "4601", "5501"))
    for org in (oslo, bergen, tromso):
        sign_main(session, org)
    add_appendix(session, oslo, "svarut", date(2016, 1, 1), date(2019, 12, 31), version="1.0")
    add_appendix(session, oslo, "svarut", date(2020, 1, 1), version="2.0")
    add_appendix(session, bergen, "digisos", date(2019, 5, 1), status="draft")
    add_appendix(session, bergen, "svarut", date(2017, 3, 1))
    session.flush()


def test_export_then_import_changes_nothing(session):
    _demo_register(session)
    content = exports.register_workbook(session)
    workbook = load_workbook(io.BytesIO(content))
    ws = workbook["Avtaleregister"]
    assert [c.value for c in ws[1]][:3] == ["Organisasjonsnummer", "Virksomhet", "Hovedavtale status"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:O")
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(values) == 5  # four appendices and Tromsø's main agreement alone
    oslo = municipality(session, "0301")
    assert oslo.org_number  # the shipped register carries the real organisation numbers
    oslo_rows = [v for v in values if v[0] == oslo.org_number and v[1] == oslo.name]
    assert [(v[8], v[9], v[10], v[12], v[13]) for v in oslo_rows] == [
        ("SvarUt", "1.0", "Avsluttet", datetime(2016, 1, 1), datetime(2019, 12, 31)),
        ("SvarUt", "2.0", "Signert", datetime(2020, 1, 1), None)]
    assert ws["M2"].number_format == "DD.MM.YYYY"
    seq = session.scalar(select(func.max(AuditEntry.seq)))
    result = imports.import_register(session, OWNER, content)
    assert result == {"rows": 5, "main_created": 0, "main_updated": 0, "appendices_created": 0,
                      "appendices_updated": 0, "unchanged": 7, "dry_run": 0}
    assert session.scalar(select(func.max(AuditEntry.seq))) == seq  # not one write


def test_corrected_sheet_updates_instead_of_duplicating(session):
    _demo_register(session)
    workbook = load_workbook(io.BytesIO(exports.register_workbook(session)))
    ws = workbook["Avtaleregister"]
    bergen_number, tromso_number = municipality(session, "4601").org_number, municipality(session, "5501").org_number
    for row in ws.iter_rows(min_row=2):
        if row[0].value == bergen_number and row[8].value == "SvarUt":
            row[12].value = "01.04.2017"      # corrected start date, typed as text
            row[14].value = "Fast årspris"
        if row[0].value == tromso_number:
            row[4].value = "Per Pettersen"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = count(session, ServiceAppendix)
    result = imports.import_register(session, OWNER, buffer.getvalue())
    assert (result["appendices_updated"], result["main_updated"], result["appendices_created"]) == (1, 1, 0)
    assert count(session, ServiceAppendix) == before
    bergen = municipality(session, "4601")
    svarut = session.scalar(select(ServiceAppendix).where(ServiceAppendix.organisation_id == bergen.id,
                                                          ServiceAppendix.appendix_version == "1.0"))
    assert (svarut.start_date, svarut.price_model) == (date(2017, 4, 1), "fixed")


def test_english_headers_and_dry_run(session):
    from data.i18n import set_language

    _demo_register(session)
    set_language("en")
    try:
        content = exports.register_workbook(session)
    finally:
        set_language("nb")
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Agreement register"
    result = imports.import_register(session, OWNER, content, dry_run=True)
    assert result["unchanged"] == 7 and result["dry_run"] == 1


def test_product_owner_imports_only_own_services_and_others_not_at_all(session):
    content = sheet([[None, "Oslo", "Signert", "01.02.2015", None, "Digisos", "Signert", "01.01.2020",
                      "01.01.2020", None, None, None]])
    with pytest.raises(ValidationFailed) as error:
        imports.import_register(session, make_actor("product_owner", owned=("svarut",)), content)
    assert error.value.errors[0].field == "Tjeneste"
    assert "ikke Digisos" in error.value.errors[0].message
    with pytest.raises(PermissionDenied):
        imports.import_register(session, make_actor("leader"), content)
    assert count(session, MainAgreement) == 0


def test_sheet_without_organisation_column_is_refused(session):
    with pytest.raises(ValidationFailed, match="«Organisasjonsnummer» eller «Virksomhet»"):
        imports.import_register(session, FINANCE, sheet([["x"]], headers=["Noe annet"]))


def test_cli_export_and_import(db_url, tmp_path, capsys):
    from admin.cli import main
    from data import db

    with db.session_scope() as session:
        _demo_register(session)
    path = tmp_path / "avtaler.xlsx"
    assert main(["agreements", "export", str(path)]) == 0
    assert main(["agreements", "import", str(path)]) == 0
    assert "7 uendret" in capsys.readouterr().out
    broken = tmp_path / "feil.xlsx"
    broken.write_bytes(sheet([[None, "Atlantis", "Signert", "01.01.2020"] + [None] * 8]))
    assert main(["agreements", "import", str(broken)]) == 1
    assert "Rad 2, felt «Virksomhet»: Fant ingen virksomhet som heter «Atlantis»" in capsys.readouterr().err


def test_shared_names_are_told_apart_by_municipality_number(session):
    content = sheet([[None, "Herøy", "Signert", "01.02.2015"] + [None] * 8,
                     [None, "Herøy (1515)", "Signert", "01.02.2015"] + [None] * 8,
                     [None, "Herøy kommune (1818)", "Sendt", None] + [None] * 8])
    with pytest.raises(ValidationFailed) as error:
        imports.import_register(session, FINANCE, content)
    assert [(e.row, e.message) for e in error.value.errors] == [
        (2, "2 virksomheter heter «Herøy». Bruk organisasjonsnummer.")]
    result = imports.import_register(session, FINANCE, sheet([
        [None, "Herøy (1515)", "Signert", "01.02.2015"] + [None] * 8,
        [None, "Herøy kommune (1818)", "Sendt", None] + [None] * 8]))
    assert result["main_created"] == 2
    statuses = dict(session.execute(select(MainAgreement.organisation_id, MainAgreement.status)).all())
    assert statuses == {municipality(session, "1515").id: "signed", municipality(session, "1818").id: "sent"}
