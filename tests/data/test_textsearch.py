"""Case-insensitive search folds Æ/Ø/Å on SQLite and on PostgreSQL with a C locale; % and _ are literal."""
import pytest
from sqlalchemy import String, literal, select, text

from data import db, textsearch
from data.registers.models import Organisation
from data.textsearch import contains_folded, equals_folded, folded

# Behaviour that depends on the database: runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

CASES = [
    ("Ørland", "ørland", True),
    ("Tromsø", "TROMSØ", True),
    ("Åfjord", "å", True),
    ("Ålesund", "ÅLESUND", True),
    ("Bærum", "BÆR", True),
    ("Crème brûlée", "CRÈME BRÛLÉE", True),
    ("Müller", "MÜLLER", True),
    ("ΟΔΟΣ", "οδ", True),
    ("Oslo", "ørland", False),
    ("Aafjord", "å", False),
    ("100% sikker", "100%", True),
    ("100 prosent", "100%", False),           # % in the term is not a wildcard
    ("snake_case", "e_c", True),
    ("snakexcase", "e_c", False),             # nor is _
    ("C:\\temp", "c:\\t", True),              # the escape character itself is literal
    ("C:temp", "c:\\t", False),
    ("Ørland", "", True),
]


def _contains(session, value: str, term: str) -> bool:
    return bool(session.scalar(select(contains_folded(literal(value, String()), term))))


@pytest.mark.parametrize(("value", "term", "expected"), CASES)
def test_contains_folded(session, value, term, expected):
    assert _contains(session, value, term) is expected


def test_equals_and_folded_value(session):
    assert session.scalar(select(folded(literal("ØRLAND og TROMSØ", String())))) == "ørland og tromsø"
    assert bool(session.scalar(select(equals_folded(literal("Tromsø", String()), "TROMSØ"))))
    assert not bool(session.scalar(select(equals_folded(literal("Tromsø", String()), "Tromso"))))


def test_organisation_names_on_this_database(session):
    def names(term):
        return session.scalars(select(Organisation.name).where(contains_folded(Organisation.name, term))
                               .order_by(Organisation.name)).all()

    assert names("ørland") == ["Ørland"]
    assert names("TROMSØ") == ["Tromsø"]
    every = session.scalars(select(Organisation.name).order_by(Organisation.name)).all()
    with_a_ring = names("å")
    assert {"Åfjord", "Ålesund", "Årdal"} <= set(with_a_ring)
    assert with_a_ring == [n for n in every if "å" in n.lower()]  # the same as Python's own lower-casing
    assert session.scalar(select(Organisation.name).where(equals_folded(Organisation.name, "ålesund"))) == "Ålesund"


def test_the_test_cluster_has_a_c_locale_and_icu(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    with engine.connect() as connection:
        ctype = connection.scalar(text("SELECT datctype FROM pg_database WHERE datname = current_database()"))
        assert connection.scalar(text("SELECT lower('ØRLAND')")) == "Ørland"  # why this module exists
    assert ctype in ("C", "POSIX")
    assert textsearch.icu_collation_in_use(engine)


def test_postgresql_without_icu_still_folds_norwegian_letters(db_url, monkeypatch):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    engine = db.make_engine(db_url)
    try:
        with engine.connect():
            pass  # the first connection checks for the ICU collation
        monkeypatch.setattr(engine.dialect, textsearch.DIALECT_FLAG, False)
        assert not textsearch.icu_collation_in_use(engine)
        with engine.connect() as connection:
            for value, term, expected in CASES:
                query = select(contains_folded(literal(value, String()), term))
                assert bool(connection.scalar(query)) is expected, (value, term)
            sql = str(select(folded(literal("x", String()))).compile(engine))
            assert "translate(" in sql and "und-x-icu" not in sql
    finally:
        engine.dispose()


@pytest.mark.parametrize(("text", "expected"), [
    ("Snåase - Snåsa", "snaase - snasa"),
    ("Porsanger - Porsángu - Porsanki", "porsanger - porsangu - porsanki"),
    ("Porsanger - Porsáŋgu - Porsanki", "porsanger - porsangu - porsanki"),   # Kartverket's ŋ
    ("Kárášjohka - Karasjok", "karasjohka - karasjok"),
    ("Trøndelag - Trööndelage", "trondelag - troondelage"),
    ("Bærum", "baerum"),
    ("Dielddanuorri - Tjeldsund", "dielddanuorri - tjeldsund"),
    ("Sna\u030asa", "snasa"),             # å typed as a + combining ring (NFD)
    ("Ørland\x00", "orland"),              # control characters dropped
    ("ΟΔΟΣ", "οδος"),                      # other alphabets: lower-cased only
    ("", ""),
])
def test_plain_folds_case_and_diacritics(text, expected):
    assert textsearch.plain(text) == expected


def test_plain_contains_and_parts():
    assert textsearch.plain_contains("Guovdageaidnu - Kautokeino", "KAUTOKEINO")
    assert textsearch.plain_contains("Evenes - Evenášši", "evenassi")
    assert not textsearch.plain_contains("Oslo", "ørland")
    assert textsearch.plain_contains("Oslo", "")
    assert textsearch.plain_parts("Storfjord - Omasvuotna - Omasvuono") == ["storfjord", "omasvuotna", "omasvuono"]
    assert textsearch.plain_parts("Oslo") == ["oslo"]
    # every folded letter is plain ASCII, and the table is the same whatever the machine
    assert all(v.isascii() and v.isalpha() for v in textsearch.PLAIN_FOLDS.values())
    assert {textsearch.PLAIN_FOLDS[c] for c in "åáàäâ"} == {"a"} and textsearch.PLAIN_FOLDS["ø"] == "o"
