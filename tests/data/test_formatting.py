from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from data.formatting import (
    date_text,
    datetime_text,
    day,
    decimal_text,
    integer,
    kroner,
    millions,
    money,
    month_label,
    number,
    percent_text,
    quarter_label,
)
from data.i18n import get_language, set_language


@pytest.fixture
def norwegian():
    before = get_language()
    set_language("nb")
    yield
    set_language(before)


def test_a_stored_utc_time_is_shown_on_the_norwegian_calendar_day(norwegian):
    assert day(datetime(2025, 1, 31, 23, 30, tzinfo=UTC)) == "01.02.2025"     # 00:30 in Oslo (UTC+1)
    assert day(datetime(2025, 6, 30, 22, 15, tzinfo=UTC)) == "01.07.2025"     # summer time, UTC+2
    assert day(datetime(2025, 6, 30, 21, 59, tzinfo=UTC)) == "30.06.2025"
    assert day(datetime(2025, 1, 31, 23, 30)) == "31.01.2025"                 # naive: taken as it is
    assert day(date(2025, 3, 4)) == "04.03.2025"
    assert day(None) == ""


def test_money_and_numbers_in_norwegian_format(norwegian):
    assert money(123456789) == "1\xa0234\xa0567,89 kr"
    assert number(1234567) == "1\xa0234\xa0567"


def test_table_texts_in_norwegian_with_a_dash_for_missing_values(norwegian):
    assert kroner(1234.5) == "1\xa0234,50 kr"
    assert kroner(Decimal("3116522.76")) == "3\xa0116\xa0522,76 kr"
    assert kroner(None) == kroner(float("nan")) == "–"
    assert integer(3116522) == "3\xa0116\xa0522"
    assert integer(pd.NA) == "–"
    assert decimal_text(2.8) == "2,80"
    assert decimal_text(Decimal("4.125"), 2) == "4,13"   # half-up, as the money rule
    assert percent_text(0.81) == "81,0 %"
    assert percent_text(81, ratio=False) == "81,0 %"
    assert percent_text(None) == "–"
    assert date_text(date(2027, 5, 3)) == "03.05.2027"
    assert date_text(pd.Timestamp("2027-01-02")) == "02.01.2027"
    assert date_text(pd.NaT) == "–"
    assert datetime_text(datetime(2027, 5, 3, 10, 0, tzinfo=UTC)) == "03.05.2027 12:00"   # summer time in Oslo
    assert month_label(date(2027, 1, 1)) == "jan. 2027"
    assert month_label(date(2027, 5, 1)) == "mai 2027"
    assert millions(14_200_000) == "14,2 mill."


def test_table_texts_in_english():
    before = get_language()
    set_language("en")
    try:
        assert kroner(1234.5) == "NOK 1,234.50"
        assert percent_text(0.81) == "81.0 %"
        assert month_label(date(2027, 5, 1)) == "May 2027"
        assert kroner(None) == "–"
    finally:
        set_language(before)


def test_quarter_labels_in_both_languages():
    before = get_language()
    try:
        set_language("nb")
        assert [quarter_label(date(2025, m, 28)) for m in (1, 3, 4, 12)] == [
            "1. kv. 2025", "1. kv. 2025", "2. kv. 2025", "4. kv. 2025"]
        set_language("en")
        assert quarter_label(date(2026, 9, 30)) == "Q3 2026"
    finally:
        set_language(before)
