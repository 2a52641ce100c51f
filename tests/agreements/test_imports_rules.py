"""The agreement import reports every rule error in one pass, reads organisation numbers written with
non-breaking spaces and Excel date serials (issue 18, item 7)."""
from datetime import date

import pytest
from sqlalchemy import select

from agreements import imports
from agreements.models import MainAgreement, ServiceAppendix
from data.errors import ValidationFailed
from tests.agreements.helpers import count
from tests.agreements.test_import_export import FINANCE, HEADERS, numbered, sheet


def _errors(session, rows) -> dict[tuple[int, str], str]:
    with pytest.raises(ValidationFailed) as error:
        imports.import_register(session, FINANCE, sheet(rows))
    assert count(session, MainAgreement) == 0 and count(session, ServiceAppendix) == 0
    return {(e.row, e.field): e.message for e in error.value.errors}


def test_end_before_start_is_reported_with_the_other_errors(session):
    oslo, bergen = numbered(session, "0301", "4601")
    errors = _errors(session, [
        [oslo.org_number, "Oslo", "Signert", "01.02.2015", None, "SvarUt", "Signert", "01.01.2016", "01.06.2016",
         "01.01.2016", None, None],                                                                       # row 2
        [bergen.org_number, "Bergen", "Signert", "31.02.2015", None, None, None, None, None, None, None, None],  # 3
        [None, "Atlantis", "Signert", "01.01.2015", None, None, None, None, None, None, None, None],       # 4
    ])
    assert errors == {
        (2, "Sluttdato"): "Sluttdato kan ikke være før startdato.",
        (3, "Hovedavtale signert"): "«31.02.2015» er ikke en gyldig dato. Bruk formatet dd.mm.åååå, for eksempel 01.02.2024.",
        (4, "Virksomhet"): "Fant ingen virksomhet som heter «Atlantis». Bruk organisasjonsnummer.",
    }


def test_several_rules_on_one_row_are_all_reported(session):
    (oslo,) = numbered(session, "0301")
    headers = HEADERS + ["Hovedavtale avsluttet"]
    with pytest.raises(ValidationFailed) as error:
        imports.import_register(session, FINANCE, sheet([
            # main agreement ended before it was signed; appendix signed without a date, ending before it starts
            [oslo.org_number, "Oslo", "Avsluttet", "01.02.2015", None, "SvarUt", "Signert", None, "01.06.2016",
             "01.01.2016", None, None, "01.01.2014"]], headers=headers))
    assert {(e.row, e.field): e.message for e in error.value.errors} == {
        (2, "Sluttdato"): "Sluttdato kan ikke være før startdato.",
        (2, "Vedlegg signert"): "En signert avtale må ha signert dato.",
        (2, "Hovedavtale avsluttet"): "Avtalen kan ikke avsluttes før den ble signert.",
    }
    assert count(session, MainAgreement) == 0 and count(session, ServiceAppendix) == 0


def test_register_rules_are_reported_in_the_same_pass_as_sheet_errors(session):
    """A row that is fine by itself but breaks a rule against the register (no signed main agreement) is
    reported together with a row that has a bad date, not after it has been fixed."""
    oslo, bergen = numbered(session, "0301", "4601")
    errors = _errors(session, [
        [oslo.org_number, "Oslo", "Signert", "32.01.2015", None, None, None, None, None, None, None, None],  # 2
        [bergen.org_number, "Bergen", "Sendt", None, None, "SvarUt", "Signert", "01.01.2016", "01.01.2016",
         None, None, None],                                                                                # 3
    ])
    assert set(errors) == {(2, "Hovedavtale signert"), (3, "Vedlegg status")}
    assert errors[(3, "Vedlegg status")].startswith("Bergen har ikke signert hovedavtale")


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", " "])
def test_org_number_with_non_breaking_spaces_is_read_like_one_with_spaces(session, space):
    (oslo,) = numbered(session, "0301")
    written = space.join((oslo.org_number[:3], oslo.org_number[3:6], oslo.org_number[6:]))
    result = imports.import_register(session, FINANCE, sheet([
        [written, "Oslo", "Signert", "01.02.2015", None, "SvarUt", "Signert", "01.01.2016", "01.02.2016", None,
         None, None]]))
    assert result["main_created"] == 1 and result["appendices_created"] == 1
    main = session.scalar(select(MainAgreement).where(MainAgreement.organisation_id == oslo.id))
    assert main.signed_date == date(2015, 2, 1)


def test_bad_org_number_with_non_breaking_spaces_names_row_and_column(session):
    errors = _errors(session, [
        ["123\u00a0456\u00a0789", None, "Signert", "01.02.2015", None, None, None, None, None, None, None, None]])
    assert list(errors) == [(2, "Organisasjonsnummer")]
    assert errors[(2, "Organisasjonsnummer")].startswith("Organisasjonsnummeret «123456789» er ikke gyldig")


def test_excel_date_serials_in_date_columns_are_read_as_dates(session):
    (oslo,) = numbered(session, "0301")
    imports.import_register(session, FINANCE, sheet([
        # number cells and text cells holding serials: 42036 = 01.02.2015, 45292 = 01.01.2024, 45444 = 01.06.2024
        [oslo.org_number, "Oslo", "Signert", 42036, None, "SvarUt", "Signert", "45292", 45292.0, "45444", None,
         None]]))
    main = session.scalar(select(MainAgreement).where(MainAgreement.organisation_id == oslo.id))
    appendix = session.scalar(select(ServiceAppendix).where(ServiceAppendix.organisation_id == oslo.id))
    assert main.signed_date == date(2015, 2, 1)
    assert (appendix.signed_date, appendix.start_date, appendix.end_date) == (
        date(2024, 1, 1), date(2024, 1, 1), date(2024, 6, 1))


def test_excel_serial_date_follows_the_1900_date_system():
    assert imports.excel_serial_date(1) == date(1900, 1, 1)
    assert imports.excel_serial_date(59) == date(1900, 2, 28)
    assert imports.excel_serial_date(61) == date(1900, 3, 1)
    assert imports.excel_serial_date(45292) == date(2024, 1, 1)
    assert imports.excel_serial_date(2958465) == date(9999, 12, 31)
    with pytest.raises(ValueError):
        imports.excel_serial_date(60)   # Excel's 29.02.1900, a day that never was
    with pytest.raises(ValueError):
        imports.excel_serial_date(0)


def test_a_serial_that_is_no_date_names_row_and_column(session):
    (oslo,) = numbered(session, "0301")
    errors = _errors(session, [
        [oslo.org_number, "Oslo", "Signert", "9999999", None, None, None, None, None, None, None, None]])
    assert errors == {(2, "Hovedavtale signert"): "«9999999» er ikke en gyldig dato. Bruk formatet dd.mm.åååå, for eksempel "
                                                  "01.02.2024."}
