from datetime import UTC, date, datetime

import pytest

from data.formatting import day, money, number
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
