"""Population per organisation and year: Statistics Norway's figure on 1 January, imported from the
CSV export of StatBank table 07459 ("Befolkning") or 06913, read by price lists that name a year.

The file is what the StatBank's "Last ned tabell som ... CSV" gives: a title line or two, then a header
line that starts with the region column, then one line per region, semicolon separated and quoted, in
ISO-8859-1/Windows-1252 or UTF-8 (with or without BOM). Two layouts are read:

- wide: `"region";"Personer 2024";"Personer 2025"` (or `"region";"statistikkvariabel";"2024";"2025"`),
  one column per year;
- long: `"region";"år";"Personer"` (also `"region";"statistikkvariabel";"år";"value"`), one line per
  region and year.

A region is `"3114 Våler (Østf.)"`, `"K-3114 Våler"` (municipality), `"F-31 Østfold"` or `"31 Østfold"`
(county municipality); `"0 Hele landet"` and SSB's symbols for a missing figure (`..`, `.`, `:`, `-`) are
skipped. The import is all-or-nothing like the KLASS import: every error by row and column, unknown
municipality and county numbers reported, nothing written unless every line passes.

`Organisation.population` and `population_year` stay the latest figure (the import moves them forward);
`population_by_year` reads the table and, for an organisation without a row for the year, the latest
figure when it is of that year.
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import textguard
from data.access import Actor
from data.db import utcnow
from data.errors import BackofficeError, RowError, ValidationFailed
from data.excel import csv_rows, decode_text
from data.i18n import t
from data.locking import lock_named, refusing_duplicates, unique_key
from data.registers.models import Organisation, OrganisationKind, OrganisationPopulation

DEFAULT_SOURCE = "SSB 07459"
SOURCE_LENGTH = 200
MISSING = {"..", ".", ":", "-", "…"}
WHOLE_COUNTRY = {"0", "00", "0000"}
FIRST_YEAR, LAST_YEAR = 1800, 2200
_REGION = re.compile(r"^(?:(?P<prefix>[KF])-)?(?P<code>\d{1,4})(?:\s+(?P<name>.*))?$", re.IGNORECASE)
_YEAR_IN_HEADER = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_TABLE = re.compile(r"(?<!\d)(\d{5})(?!\d)\s*:")
YEAR_HEADERS = {"år", "year", "tid", "time"}
REGION_HEADERS = {"region", "kommune", "fylke", "region/kommune"}
SKIPPED_HEADERS = {"statistikkvariabel", "contents", "contentscode", "kjønn", "kjonn", "sex", "alder", "age"}
POPULATION_ONCE = unique_key(OrganisationPopulation, "uq_organisation_population_organisation_id_year")


# --- reads ---------------------------------------------------------------------------------------


def population_by_year(session: Session, organisation_ids, year: int) -> dict[int, int]:
    """{organisation id: population on 1 January of `year`} for those of `organisation_ids` that have a
    figure for that year: a row of the table, else the organisation's latest figure when it is of `year`.
    Organisations without a figure for the year are left out (the caller decides what that means)."""
    ids = sorted({int(i) for i in organisation_ids})
    if not ids:
        return {}
    out: dict[int, int] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        out.update(session.execute(
            select(OrganisationPopulation.organisation_id, OrganisationPopulation.population)
            .where(OrganisationPopulation.organisation_id.in_(chunk), OrganisationPopulation.year == year)).all())
        missing = [i for i in chunk if i not in out]
        if missing:
            out.update(session.execute(
                select(Organisation.id, Organisation.population)
                .where(Organisation.id.in_(missing), Organisation.population_year == year,
                       Organisation.population.is_not(None))).all())
    return {int(k): int(v) for k, v in out.items()}


def population_history(session: Session, organisation_id: int) -> list[dict]:
    """Every year's figure for one organisation, newest first: the table's rows, and the organisation's
    latest figure for its year when the table has none for it."""
    rows = [{"year": r.year, "population": r.population, "source": r.source, "imported_at": r.imported_at,
             "imported_by": r.imported_by}
            for r in session.scalars(select(OrganisationPopulation)
                                     .where(OrganisationPopulation.organisation_id == organisation_id)
                                     .order_by(OrganisationPopulation.year.desc()))]
    org = session.get(Organisation, organisation_id)
    if org is not None and org.population is not None and org.population_year is not None \
            and org.population_year not in {r["year"] for r in rows}:
        rows.append({"year": org.population_year, "population": org.population,
                     "source": t("reg.pop.register_figure"), "imported_at": None, "imported_by": ""})
        rows.sort(key=lambda r: -r["year"])
    return rows


def population_years(session: Session) -> list[int]:
    """The years the table has figures for, newest first."""
    return list(session.scalars(select(OrganisationPopulation.year).distinct()
                                .order_by(OrganisationPopulation.year.desc())))


# --- reading SSB's CSV ---------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """Semicolons (StatBank's CSV) unless the file has more commas (the API's CSV); a title's commas are few."""
    return ";" if text.count(";") >= text.count(",") else ","


def _plain(text: str) -> str:
    return " ".join(text.strip().strip('"').lower().split())


def _header_year(header: str) -> int | None:
    found = _YEAR_IN_HEADER.findall(header)
    if len(found) != 1:
        return None
    year = int(found[0])
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _number(text: str) -> int | None:
    """A whole number as SSB writes it ("717710", "717 710", "717\u00a0710"); None when it is none."""
    digits = "".join(text.split())
    if digits.endswith(".0"):
        digits = digits[:-2]
    return int(digits) if digits.isascii() and digits.isdigit() else None


def parse_ssb_population(content: bytes | str, year: int | None = None) -> tuple[list[dict], list[RowError], str]:
    """Read SSB's table export. Returns (figures, errors, source): each figure {row, column, kind, code,
    region, year, population}; `year` keeps only that year (and is the year of a file that names none)."""
    text = decode_text(content)
    lines = list(csv_rows(text, _delimiter(text)))
    header_index = next((i for i, fields in enumerate(lines)
                         if fields and _plain(fields[0]) in REGION_HEADERS), None)
    if header_index is None:
        raise ValidationFailed([RowError(None, "region", t("import.missing_column", column="region"))])
    title = " ".join(f.strip() for fields in lines[:header_index] for f in fields if f.strip())
    table = _TABLE.search(title)
    source = f"SSB {table.group(1)}" if table else DEFAULT_SOURCE
    headers = [h.strip().strip('"') for h in lines[header_index]]
    plain = [_plain(h) for h in headers]
    year_column = next((i for i, h in enumerate(plain) if h in YEAR_HEADERS), None)
    errors: list[RowError] = []
    if year_column is not None:   # long: one line per region and year, the figure in the last other column
        value_columns = [i for i, h in enumerate(plain)
                         if i not in (0, year_column) and h not in SKIPPED_HEADERS and h]
        if not value_columns:
            raise ValidationFailed([RowError(header_index + 1, None, t("reg.pop.no_value_column"))])
        layout = ("long", value_columns[-1])
        year_columns: dict[int, int] = {}
    else:                         # wide: one column per year
        year_columns = {i: y for i, h in enumerate(headers) if i > 0 and (y := _header_year(h)) is not None}
        value_columns = [i for i, h in enumerate(plain) if i > 0 and h and h not in SKIPPED_HEADERS]
        if not year_columns:
            if year is None or not value_columns:
                raise ValidationFailed([RowError(header_index + 1, None, t("reg.pop.no_year"))])
            year_columns = {value_columns[-1]: year}
        layout = ("wide", None)
        if year is not None:
            if year not in year_columns.values():
                raise ValidationFailed([RowError(header_index + 1, None, t("reg.pop.year_not_in_file", year=year))])
            year_columns = {i: y for i, y in year_columns.items() if y == year}
    figures: list[dict] = []
    for offset, fields in enumerate(lines[header_index + 1:], start=header_index + 2):
        if not any(f.strip() for f in fields):
            continue
        region_text = fields[0].strip()
        refused = textguard.row_errors([(offset, {headers[i]: f for i, f in enumerate(fields) if i < len(headers)})])
        if refused:
            errors += refused
            continue
        match = _REGION.match(region_text)
        if match is None:
            if len(fields) == 1:   # a footnote under the table
                continue
            errors.append(RowError(offset, headers[0], t("reg.pop.bad_region", value=region_text[:60])))
            continue
        code = match.group("code")
        if code in WHOLE_COUNTRY and not match.group("prefix"):
            continue
        prefix = (match.group("prefix") or "").upper()
        kind = "county" if prefix == "F" or (not prefix and len(code) <= 2) else "municipality"
        code = code.zfill(2) if kind == "county" else code.zfill(4)
        if kind == "municipality" and len(match.group("code")) < 3:
            errors.append(RowError(offset, headers[0], t("reg.pop.bad_region", value=region_text[:60])))
            continue
        cells: list[tuple[int, int]] = []   # (column, year)
        if layout[0] == "long":
            raw_year = fields[year_column].strip() if year_column < len(fields) else ""
            found = _header_year(raw_year)
            if found is None:
                errors.append(RowError(offset, headers[year_column], t("reg.pop.bad_year", value=raw_year[:20])))
                continue
            if year is not None and found != year:
                continue
            cells.append((layout[1], found))
        else:
            cells = sorted(year_columns.items())
        for column, cell_year in cells:
            raw = fields[column].strip() if column < len(fields) else ""
            if raw in MISSING or raw == "":
                continue
            value = _number(raw)
            if value is None or value > 100_000_000:
                errors.append(RowError(offset, headers[column], t("reg.pop.bad_number", value=raw[:20])))
                continue
            figures.append({"row": offset, "column": headers[column], "region_column": headers[0], "kind": kind,
                            "code": code,
                            "region": region_text, "year": cell_year, "population": value})
    if not figures and not errors:
        errors.append(RowError(None, None, t("import.empty")))
    return figures, errors, source


# --- the import ----------------------------------------------------------------------------------


def _organisation_for(session: Session, figure: dict, cache: dict) -> Organisation | None:
    """The municipality (by number) or county municipality (by county number) the figure is about, as it
    was on 1 January of the figure's year (a merged municipality's old number finds the old organisation)."""
    key = (figure["kind"], figure["code"], figure["year"])
    if key in cache:
        return cache[key]
    if figure["kind"] == "county":
        query = select(Organisation).where(Organisation.kind == OrganisationKind.COUNTY_MUNICIPALITY.value,
                                           Organisation.county_number == figure["code"])
    else:
        query = select(Organisation).where(Organisation.kind == OrganisationKind.MUNICIPALITY.value,
                                           Organisation.municipality_number == figure["code"])
    candidates = list(session.scalars(query.order_by(Organisation.id)))
    day = date(figure["year"], 1, 1)
    valid = [o for o in candidates if o.is_valid_on(day)]
    current = [o for o in candidates if o.valid_to is None]
    chosen = (valid or current or [None])[0]
    cache[key] = chosen
    return chosen


def import_ssb_population(session: Session, actor: Actor, content: bytes | str, year: int | None = None,
                          source: str | None = None) -> dict[str, int]:
    """All-or-nothing: add or update each organisation's population for each year in the file, and move
    the organisation's latest figure forward. Returns counts {created, updated, unchanged, organisations,
    years}."""
    actor.require("registers.write")
    figures, errors, found_source = parse_ssb_population(content, year)
    source = (source or found_source).strip()[:SOURCE_LENGTH] or DEFAULT_SOURCE
    if errors:
        raise ValidationFailed(errors)
    cache: dict = {}
    seen: dict[tuple[int, int], int] = {}
    resolved: list[tuple[dict, Organisation]] = []
    for figure in figures:
        org = _organisation_for(session, figure, cache)
        if org is None:
            key = "reg.pop.unknown_county" if figure["kind"] == "county" else "reg.pop.unknown_municipality"
            errors.append(RowError(figure["row"], figure["region_column"],
                                   t(key, code=figure["code"], region=figure["region"][:60])))
            continue
        other = seen.setdefault((org.id, figure["year"]), figure["row"])
        if other != figure["row"]:
            errors.append(RowError(figure["row"], figure["column"], t("import.duplicate_row", other=other)))
            continue
        resolved.append((figure, org))
    if errors:
        raise ValidationFailed(errors)
    lock_named(session, "organisation_population")
    existing = {(r.organisation_id, r.year): r for r in session.scalars(
        select(OrganisationPopulation).where(OrganisationPopulation.year.in_({f["year"] for f, _ in resolved})))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = utcnow()
    with refusing_duplicates(session, (POPULATION_ONCE,), lambda: BackofficeError(t("reg.pop.just_imported"))):
        for figure, org in resolved:
            row = existing.get((org.id, figure["year"]))
            if row is None:
                session.add(OrganisationPopulation(organisation_id=org.id, year=figure["year"],
                                                   population=figure["population"], source=source,
                                                   imported_at=now, imported_by=actor.username))
                counts["created"] += 1
            elif row.population != figure["population"]:
                row.population, row.source, row.imported_at, row.imported_by = (
                    figure["population"], source, now, actor.username)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
            if org.population_year is None or figure["year"] >= org.population_year:
                if (org.population, org.population_year) != (figure["population"], figure["year"]):
                    org.population, org.population_year = figure["population"], figure["year"]
    counts["organisations"] = len({org.id for _, org in resolved})
    counts["years"] = len({f["year"] for f, _ in resolved})
    return counts


# --- demo ------------------------------------------------------------------------------------------


DEMO_SOURCE_COPY = "Demo: {year}-tallet gjentatt, ikke SSBs tall"


def load_demo(session: Session, actor: Actor) -> int:
    """Two years per organisation for the demo: the shipped figure (SSB's, 1 January of its year) and,
    for the year after, the same figure again, marked as demo data (no official figure is made up)."""
    actor.require("registers.write")
    if session.scalar(select(OrganisationPopulation.id).limit(1)) is not None:
        return 0
    added = 0
    now = utcnow()
    for org in session.scalars(select(Organisation).where(Organisation.population.is_not(None),
                                                          Organisation.population_year.is_not(None))
                               .order_by(Organisation.id)):
        session.add(OrganisationPopulation(organisation_id=org.id, year=org.population_year,
                                           population=org.population, source=f"{DEFAULT_SOURCE} (referansedata)",
                                           imported_at=now, imported_by=actor.username))
        session.add(OrganisationPopulation(organisation_id=org.id, year=org.population_year + 1,
                                           population=org.population,
                                           source=DEMO_SOURCE_COPY.format(year=org.population_year),
                                           imported_at=now, imported_by=actor.username))
        added += 2
    session.flush()
    return added
