"""Invoice periods as a reader says them, in both languages; the code users type is left for anything else."""
import pytest

from data.i18n import get_language, set_language
from pricing.invoicing.runs import period_label


@pytest.mark.parametrize(("language", "expected"), [
    ("nb", ["3. kvartal 2026", "1. kvartal 2025", "mars 2026", "desember 2025", "2026"]),
    ("en", ["Q3 2026", "Q1 2025", "March 2026", "December 2025", "2026"]),
])
def test_a_period_as_a_reader_says_it(language, expected):
    before = get_language()
    try:
        set_language(language)
        assert [period_label(code) for code in ("2026-Q3", "2025-Q1", "2026-03", "2025-12", "2026")] == expected
    finally:
        set_language(before)


def test_what_is_not_a_period_is_shown_as_it_is():
    assert period_label("2026-Q5") == "2026-Q5" and period_label("") == ""
