"""Fuzzed imports: every import, given a damaged file, succeeds or refuses in plain language, and a refusal
writes nothing.

Each importer gets a valid sample file and deterministic mutations of it (seeded): truncation, byte flips,
NUL bytes, huge fields, CR line endings, other encodings, shuffled and removed columns, odd values, damaged
XML inside the xlsx zip, inflated sheets and a zip bomb, damaged and oddly typed JSON. The outcome must be
success or a BackofficeError (whose message is plain language); after a refusal the importer's tables and
the audit log are as they were. `benchmarks/fuzz_imports.py` runs thousands of these per importer; the test
runs a few dozen each.
"""
from __future__ import annotations

import csv
import io
import json
import random
import re
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import cache
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from data import db
from data.audit import AuditEntry
from data.errors import BackofficeError
from tests.conftest import make_actor

# --- weird values --------------------------------------------------------------------------------------

WEIRD_TEXT = ["", " ", "-1", "0", "99999999999999999999999999", "1e309", "NaN", "inf", "²", "١٢٣", "0x1F",
              "9999-12-31", "0001-01-01", "0000-00-00", "31.02.2024", "1.1.1", "2024-13-45T99:99:99Z",
              "1900-01-01T00:00:00Z", "Infinity", "-1e999", "10000000000000000000000", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "=1+1",
              "@SUM(A1)", "'", '"', "\\", "\r\n", "\u2028", "\ufeff", "Ø" * 1000, "x" * 70_000, "🙂" * 50,
              "Oslo\u0000", "\ud800", "%", "_", "None", "null", "true", "Ja", "#N/A", "#REF!"]
WEIRD_JSON = [None, True, False, 0, -1, 2**63, 10**30, -(2**70), 1e308, -0.0, 0.5, [], {}, [1, 2], {"a": 1},
              {"x": "1", "y": "2"}, [{"cell": []}]] + WEIRD_TEXT


def weird_text(rng: random.Random) -> str:
    return rng.choice(WEIRD_TEXT)


# --- byte-level mutations (any format) -------------------------------------------------------------------


def truncate(content: bytes, rng: random.Random) -> bytes:
    return content[:rng.randrange(len(content) + 1)]


def flip_bytes(content: bytes, rng: random.Random) -> bytes:
    data = bytearray(content)
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def insert_nul(content: bytes, rng: random.Random) -> bytes:
    data = bytearray(content)
    for _ in range(rng.randint(1, 3)):
        data.insert(rng.randrange(len(data) + 1), 0)
    return bytes(data)


def insert_huge(content: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(content) + 1)
    return content[:at] + rng.choice([b"x", b"\xc3\xb8", b"ab,", b'"']) * rng.randint(140_000, 300_000) + content[at:]


def empty(content: bytes, rng: random.Random) -> bytes:
    return rng.choice([b"", b"\xef\xbb\xbf", b" \n", b"\r\n\r\n", b"\x00", b"PK\x03\x04"])


# --- text mutations (CSV, JSON Lines, JSON) -------------------------------------------------------------


def _text(content: bytes) -> str:
    return content.decode("utf-8-sig")


def cr_endings(content: bytes, rng: random.Random) -> bytes:
    text = _text(content).replace("\r\n", "\n")
    return text.replace("\n", rng.choice(["\r", "\r\n", "\n\r", "\r\r\n"])).encode("utf-8")


def other_encoding(content: bytes, rng: random.Random) -> bytes:
    text = _text(content) + rng.choice(["", "æøå ÆØÅ", "€ – “sitat”"])
    encoding = rng.choice(["utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "utf-8-sig", "mac-roman"])
    return text.encode(encoding, errors="replace")


def invalid_utf8(content: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(content) + 1)
    return content[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x81\x8d"]) + \
        content[at:]


def double_bom(content: bytes, rng: random.Random) -> bytes:
    return b"\xef\xbb\xbf" * rng.randint(1, 3) + content


def unbalanced_quote(content: bytes, rng: random.Random) -> bytes:
    text = _text(content)
    at = rng.randrange(len(text) + 1)
    return (text[:at] + '"' + text[at:]).encode("utf-8")


# --- CSV mutations -----------------------------------------------------------------------------------------


def _sniff(text: str) -> str:
    first = text.splitlines()[0] if text else ""
    return ";" if first.count(";") > first.count(",") else ","


def _csv(content: bytes) -> tuple[list[list[str]], str]:
    text = _text(content)
    delimiter = _sniff(text)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), delimiter


def _write_csv(rows: list[list[str]], delimiter: str, rng: random.Random | None = None) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def shuffle_columns(content: bytes, rng: random.Random) -> bytes:
    rows, delimiter = _csv(content)
    width = max(len(r) for r in rows)
    order = list(range(width))
    rng.shuffle(order)
    return _write_csv([[r[i] if i < len(r) else "" for i in order] for r in rows], delimiter)


def remove_column(content: bytes, rng: random.Random) -> bytes:
    rows, delimiter = _csv(content)
    drop = rng.randrange(max(len(r) for r in rows))
    return _write_csv([[v for i, v in enumerate(r) if i != drop] for r in rows], delimiter)


def odd_values(content: bytes, rng: random.Random) -> bytes:
    rows, delimiter = _csv(content)
    for _ in range(rng.randint(1, 6)):
        row = rng.randrange(1, len(rows)) if len(rows) > 1 else 0
        if rows[row]:
            rows[row][rng.randrange(len(rows[row]))] = weird_text(rng).replace("\ud800", "\ufffd")
    return _write_csv(rows, delimiter)


def odd_column(content: bytes, rng: random.Random) -> bytes:
    """One odd value in every row of one column."""
    rows, delimiter = _csv(content)
    column = rng.randrange(max(len(r) for r in rows))
    value = weird_text(rng).replace("\ud800", "\ufffd")
    return _write_csv([rows[0]] + [[value if i == column else v for i, v in enumerate(r)] for r in rows[1:]],
                      delimiter)


def odd_shape(content: bytes, rng: random.Random) -> bytes:
    rows, delimiter = _csv(content)
    choice = rng.randrange(6)
    if choice == 0:
        rows = rows[1:]                                 # no header
    elif choice == 1:
        rows[0] = rows[0] + rows[0]                     # every header twice
    elif choice == 2:
        rows = [rows[0]] + [r[: rng.randrange(len(r) + 1)] for r in rows[1:]]   # short rows
    elif choice == 3:
        rows = [rows[0]] + [r + ["extra"] * rng.randint(1, 2000) for r in rows[1:]]   # long rows
    elif choice == 4:
        rows = [rows[0]] + rows[1:] * rng.randint(2, 40)                         # repeated rows
    else:
        delimiter = {",": ";", ";": ","}[delimiter]      # the other delimiter
    return _write_csv(rows, delimiter)


# --- JSON mutations ------------------------------------------------------------------------------------


def _nodes(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nodes(item, (*path, index))


def _set(root, path, value):
    if not path:
        return value
    parent = root
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return root


def _mutate_json(document, rng: random.Random):
    for _ in range(rng.randint(1, 4)):
        nodes = list(_nodes(document))
        path, _value = rng.choice(nodes)
        action = rng.randrange(4)
        if action == 0 or not path:
            document = _set(document, path, rng.choice(WEIRD_JSON))
        elif action == 1:    # remove the key or item
            parent = document
            for key in path[:-1]:
                parent = parent[key]
            del parent[path[-1]]
        elif action == 2:    # copy another node here (ids and cells collide)
            document = _set(document, path, json.loads(json.dumps(rng.choice(nodes)[1])))
        else:                # a number where text is, text where a number is
            value = _value
            replacement = str(value) if isinstance(value, int | float) and not isinstance(value, bool) else \
                rng.choice([1, -1.5, 1e300, True])
            document = _set(document, path, replacement)
    return document


def json_structure(content: bytes, rng: random.Random) -> bytes:
    document = _mutate_json(json.loads(content), rng)
    return json.dumps(document, ensure_ascii=rng.random() < 0.5).encode("utf-8", errors="surrogatepass")


def deep_nesting(content: bytes, rng: random.Random) -> bytes:
    depth = rng.choice([1000, 5000, 100_000])
    return b"[" * depth + b"]" * depth if rng.random() < 0.5 else b'{"detail": ' + b"[" * depth + b"]" * depth + b"}"


def json_lines_structure(content: bytes, rng: random.Random) -> bytes:
    lines = _text(content).splitlines()
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(lines))
        try:
            event = json.loads(lines[index])
        except ValueError:
            continue
        lines[index] = json.dumps(_mutate_json(event, rng))
    return ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")


# --- xlsx mutations ------------------------------------------------------------------------------------


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _sheet_member(members: dict[str, bytes], rng: random.Random) -> str:
    sheets = sorted(n for n in members if n.startswith("xl/worksheets/sheet"))
    return rng.choice(sheets)


def xml_damage(content: bytes, rng: random.Random) -> bytes:
    """Damaged XML in one member (a sheet most often): cut, flipped, NUL, or removed."""
    members = _members(content)
    name = _sheet_member(members, rng) if rng.random() < 0.6 else rng.choice(sorted(members))
    data = members[name]
    action = rng.randrange(4)
    if action == 0:
        members[name] = data[: rng.randrange(len(data) + 1)]
    elif action == 1:
        members[name] = flip_bytes(data, rng)
    elif action == 2:
        members[name] = insert_nul(data, rng)
    else:
        del members[name]
    return _zip(members)


SHEET_EDITS = [
    (b'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"'),     # a sheet declared huge
    (b"<sheetData>", b'<sheetData><row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'),
    (b"<sheetData>", b'<sheetData><row r="99999999999"><c r="A1"><v>1</v></c></row>'),
    (b'<c r="A2"', b'<c r="XFD2" t="inlineStr"><is><t>far</t></is></c><c r="A2"'),
    (b'<c r="B2"', b'<c r="ZZZZZZ2"'),
    (b'<c r="A2"', b'<c r=""'),
    (b'<c r="B2" t="s"><v>', b'<c r="B2" t="s"><v>99999'),                 # a shared string that is not there
    (b'<c r="C2"', b'<c r="C2" t="d"><v>not a date</v></c><c r="Q2"'),
    (b'<c r="C2"', b'<c r="C2" t="b"><v>2</v></c><c r="Q2"'),
    (b'<c r="C2"', b'<c r="C2" t="n"><v>abc</v></c><c r="Q2"'),
    (b'<c r="C2"', b'<c r="C2" t="e"><v>#DIV/0!</v></c><c r="Q2"'),
    (b'<c r="C2"', b'<c r="C2" s="9999"><v>45000</v></c><c r="Q2"'),         # a style that is not there
    (b'<row r="2"', b'<row r="-2"'),
]


def xml_odd_sheet(content: bytes, rng: random.Random) -> bytes:
    members = _members(content)
    name = _sheet_member(members, rng)
    pattern, replacement = rng.choice(SHEET_EDITS)
    members[name] = re.sub(pattern, replacement, members[name], count=1)
    return _zip(members)


def xml_entities(content: bytes, rng: random.Random) -> bytes:
    """A "billion laughs" entity bomb or an external entity in a sheet or the shared strings."""
    members = _members(content)
    name = rng.choice([n for n in ("xl/sharedStrings.xml", _sheet_member(members, rng)) if n in members])
    doctype = rng.choice([
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
        b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>',
        b'<!DOCTYPE x [<!ENTITY h SYSTEM "file:///etc/passwd">]>',
    ])
    data = members[name]
    head_end = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
    body = data[head_end:]
    first_text = body.find(b"<t>")
    if first_text >= 0:
        body = body[:first_text + 3] + b"&h;" + body[first_text + 3:]
    members[name] = data[:head_end] + doctype + body
    return _zip(members)


@cache
def _bomb_sheet() -> tuple[bytes, int]:
    """A sheet of 64 MB of rows compressed to some 100 kB: one block of rows deflated once after a full
    flush (which makes it independent of what came before) and repeated."""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    block = b'<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>' * 8_000
    tail = b"</sheetData></worksheet>"
    repeats = 64 * 1024 * 1024 // len(block)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)
    return first + middle * repeats + last, len(head) + len(block) * repeats + len(tail)


def zip_bomb(content: bytes, rng: random.Random) -> bytes:
    """Replace a sheet with 64 MB of XML that compresses to some 100 kB (written as a raw deflate stream, so
    the test never holds the 64 MB)."""
    members = _members(content)
    target = _sheet_member(members, rng)
    compressed, size = _bomb_sheet()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name != target:
                archive.writestr(name, data)
        info = zipfile.ZipInfo(target, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size, info.compress_size = size, len(compressed)
        info.CRC = 0   # a bomb need not be honest; it is refused by its stated size before anything is read
        info.header_offset = buffer.tell()
        buffer.write(info.FileHeader(zip64=size > zipfile.ZIP64_LIMIT))
        buffer.write(compressed)
        archive.filelist.append(info)
        archive.NameToInfo[info.filename] = info
        archive.start_dir = buffer.tell()
    return buffer.getvalue()


def _workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WEIRD_CELLS = [None, 0, -1, 10**20, 1e308, -1e-308, 0.1, True, datetime(1900, 1, 1), datetime(9999, 12, 31, 23, 59),
               date(1904, 2, 29), clock(25 % 24, 30), timedelta(days=-3), "=1/0", "=A1", "#N/A"] + \
    [w for w in WEIRD_TEXT if "\ud800" not in w and "\u0000" not in w]


def cell_values(content: bytes, rng: random.Random) -> bytes:
    workbook = _workbook(content)
    sheet = rng.choice(workbook.worksheets)
    for _ in range(rng.randint(1, 6)):
        row = rng.randint(1, max(sheet.max_row, 2))
        column = rng.randint(1, max(sheet.max_column, 1))
        sheet.cell(row=row, column=column, value=rng.choice(WEIRD_CELLS))
    return _save(workbook)


def column_values(content: bytes, rng: random.Random) -> bytes:
    """One odd value in every row of one column (so a typed column, an amount or a date, surely gets it)."""
    workbook = _workbook(content)
    sheet = rng.choice(workbook.worksheets)
    column = rng.randint(1, max(sheet.max_column, 1))
    value = rng.choice(WEIRD_CELLS)
    for row in range(2, max(sheet.max_row, 2) + 1):
        sheet.cell(row=row, column=column, value=value)
    return _save(workbook)


def sheet_shape(content: bytes, rng: random.Random) -> bytes:
    workbook = _workbook(content)
    sheet = rng.choice(workbook.worksheets)
    choice = rng.randrange(7)
    if choice == 0:
        sheet.delete_cols(rng.randint(1, max(sheet.max_column, 1)))
    elif choice == 1:     # shuffle the columns
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        order = list(range(max(len(r) for r in rows) if rows else 0))
        rng.shuffle(order)
        sheet.delete_rows(1, sheet.max_row)
        for r in rows:
            sheet.append([r[i] for i in order])
    elif choice == 2:
        sheet.delete_rows(1)  # no header
    elif choice == 3:     # the rows many times over
        rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        for _ in range(rng.randint(2, 30)):
            for r in rows:
                sheet.append(r)
    elif choice == 4 and len(workbook.worksheets) > 1:
        workbook.remove(sheet)
    elif choice == 5:
        sheet.title = rng.choice(["Ark1", "X" * 31, "Kostnader", "Behov", "Fagsystemer"])
    else:
        sheet.insert_rows(1, rng.randint(1, 5))   # blank rows above the header
    return _save(workbook)


MUTATORS: dict[str, list[Callable[[bytes, random.Random], bytes]]] = {
    "xlsx": [truncate, flip_bytes, insert_nul, xml_damage, xml_odd_sheet, xml_entities, zip_bomb, cell_values,
             column_values, sheet_shape, empty],
    "csv": [truncate, flip_bytes, insert_nul, insert_huge, cr_endings, other_encoding, invalid_utf8, double_bom,
            unbalanced_quote, shuffle_columns, remove_column, odd_values, odd_column, odd_shape, empty],
    "json": [truncate, flip_bytes, insert_nul, insert_huge, other_encoding, invalid_utf8, double_bom,
             json_structure, json_structure, json_structure, deep_nesting, empty],
    "jsonl": [truncate, flip_bytes, insert_nul, insert_huge, cr_endings, other_encoding, invalid_utf8, double_bom,
              json_lines_structure, json_lines_structure, empty],
}


@cache
def mutations(kind: str, content: bytes, count: int, seed: str) -> tuple[tuple[str, bytes], ...]:
    """`count` mutated files: (label, bytes), the mutators taken in turn, each with its own seeded random."""
    return tuple(_mutations(kind, content, count, seed))


def _mutations(kind: str, content: bytes, count: int, seed: str):
    mutators = MUTATORS[kind]
    for index in range(count):
        mutator = mutators[index % len(mutators)]
        rng = random.Random(f"{seed}:{index}")
        try:
            mutated = mutator(content, rng)
        except Exception:  # noqa: BLE001 - a mutation that cannot be made (openpyxl refuses a value): flip instead
            mutated = flip_bytes(content, rng)
        yield f"{mutator.__name__}#{index}", mutated


# --- the importers -------------------------------------------------------------------------------------


FINANCE = make_actor("finance", username="okonomi")
ARCHITECT = make_actor("architect", username="arkitekt")
LEAD = make_actor("portfolio", username="pia")
ADMIN = make_actor("admin", username="admin")
SUPPORT = make_actor("support", username="sunniva")
SECURITY = make_actor("security", "architect", username="siri")
METERING = make_actor("admin", username="metering")


def _sheet_bytes(sheets: dict[str, tuple[list, list[list]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (headers, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    return _save(workbook)


def _agreements_sample(_work: Path) -> bytes:
    headers = ["Organisasjonsnummer", "Virksomhet", "Hovedavtale status", "Hovedavtale signert", "Signert av",
               "Tjeneste", "Vedlegg status", "Vedlegg signert", "Startdato", "Sluttdato", "Prismodell", "Kommentar"]
    return _sheet_bytes({"Avtaler": (headers, [
        [None, "Oslo kommune", "Signert", "01.02.2015", "Kari Nordmann", "SvarUt", "Signert", "15.01.2016",
         "01.02.2016", None, "Per enhet (bruk)", "ok"],
        [None, "Oslo kommune", "Signert", "01.02.2015", None, "digisos", None, "1.3.2019", "1.4.2019", "31.12.24",
         "per_inhabitant", None],
        [None, "Bergen", "Signert", datetime(2016, 5, 1), "Ola Nordmann", None, None, None, None, None, None,
         "bare hovedavtale"],
    ])})


def _agreements(session, content: bytes, _work: Path):
    from agreements.imports import import_register

    return import_register(session, FINANCE, content)


def _costbase_sample(_work: Path) -> bytes:
    headers = ["Tjeneste", "Kostnadspool", "Kostnadstype", "Grunnlag", "Beskrivelse", "Beløp (kr)", "Teller i selvkost"]
    return _sheet_bytes({
        "Kostnader": (headers, [["svarut", None, "Drift", "Budsjett", "Hosting", 1_000_000, "Ja"],
                                [None, "felles", "Administrasjon", "Budsjett", "Husleie", "400 000,50", "Ja"],
                                [None, "felles", "Ledelse", "Regnskap", "Styremøter", 10_000, "Nei"]]),
        "Kostnadspooler": (["Kode", "Navn", "Fordelingsnøkkel"], [["felles", "Felleskostnader", "Andel årsverk"]]),
        "Nøkkeltall": (["Kostnadspool", "Tjeneste", "Nøkkeltall"], [["felles", "svarut", 1], ["felles", "digisos", 3]]),
    })


def _costbase(session, content: bytes, _work: Path):
    from pricing.costbase import import_cost_base

    return import_cost_base(session, FINANCE, 2026, content)


def _digiorden_sample(_work: Path) -> bytes:
    return _sheet_bytes({
        "Leverandører": (["Navn", "Organisasjonsnummer"], [["Arkivsystemer Norge AS", "923456783"],
                                                          ["Helseteknologi AS", None]]),
        "Fagsystemer": (["Navn", "Leverandør", "Produkt", "Versjon", "Drift", "Systemeier", "I bruk fra", "I bruk til",
                         "Sikkerhetstiltak", "Beskrivelse"], [
            ["Sak og arkiv", "Arkivsystemer Norge AS", "ArkivPro", "8.1", "Egen drift", "Arkivleder", "01.02.2015",
             None, "Tilgangsstyring og logging", None],
            ["Helsejournal", "Helseteknologi AS", "CarePro", "3", "saas", None, date(2020, 5, 1), None, None, None]]),
        "Tjenesteområder": (["Fagsystem", "Tjenesteområde"], [["Sak og arkiv", "Arkiv"], ["Helsejournal", "Helse"]]),
        "Datasett": (["Navn", "Fagsystem", "Personopplysninger", "Opplysningskategorier", "Registrerte", "Formål",
                      "Behandlingsgrunnlag", "Mottakere", "Lagringstid"], [
            ["Saker", "Sak og arkiv", "Taushetsbelagt", "navn, saksinnhold", "innbyggere", "Saksbehandling",
             "Arkivlova § 6", "Arkivdepot", "Bevares"]]),
        "Integrasjoner": (["Fra system", "Til system", "Til plattformtjeneste", "Data", "Metode"], [
            ["Helsejournal", "Sak og arkiv", None, "Vedtak", "Meldingsutveksling"],
            ["Sak og arkiv", None, "svarut", "Utgående brev", "API"]]),
    })


def _digiorden(session, content: bytes, _work: Path):
    from data.registers.registry import find_organisation
    from portfolio.digiorden.exchange import import_map

    return import_map(session, ARCHITECT, find_organisation(session, "0301").id, content)


def _demand_setup() -> None:
    from portfolio import projects, staffing

    with db.session_scope(actor=LEAD) as session:
        staffing.ensure_standard_roles(session, LEAD)
        for name, start, end in (("Ny innsynsløsning", date(2030, 1, 1), date(2030, 6, 30)),
                                 ("Fiks arkiv 2.0", date(2030, 3, 1), date(2030, 12, 31))):
            project = projects.create_project(session, LEAD, dict(name=name, service_code="svarut",
                                                                  financing="internal", start_date=start,
                                                                  end_date=end))
            staffing.set_need(session, LEAD, dict(project_id=project.id, role_code="developer", fte="1,5",
                                                  first_month=start, last_month=start + timedelta(days=60)))


def _demand_sample(_work: Path) -> bytes:
    from portfolio import exports

    with db.session_scope() as session:
        return exports.demand_workbook(session)


def _demand(session, content: bytes, _work: Path):
    from portfolio.staffing import import_demand

    return import_demand(session, LEAD, content)


SSB_SAMPLE = (b"code;parentCode;level;name;shortName;presentationName;validFrom;validTo;notes\n"
              b"0301;;1;Oslo;;;;;\n4601;;1;Bergen kommune;;;;;\n9999;;1;Nykommune;;;01.01.2026;;\n")


def _ssb(session, content: bytes, _work: Path):
    from data.registers.registry import import_ssb_municipalities

    return import_ssb_municipalities(session, ADMIN, content)


FRESHDESK_SAMPLE = (
    "Ticket ID,Subject,Status,Priority,Source,Type,Group,Agent,Created time,Resolved time,Closed time,"
    "Last update time,Company,Tags\n"
    "101,Brev ikke levert,Open,High,Email,Incident,Brukerstøtte,Kari,2026-03-02 09:15:00,,,2026-03-02 10:00:00,"
    "Bergen,svarut\n"
    "102,Søknad henger,Resolved,Medium,Portal,Question,Digisos-teamet,Ola,2026-03-05 08:00:00,"
    "2026-03-05 20:00:00,,2026-03-05 20:00:00,Ålesund,\"digisos,integrasjon\"\n"
    "103,Spørsmål om pris,Closed,Low,Phone,Question,Brukerstøtte,Kari,2026-04-01 12:00:00,2026-04-03 12:00:00,"
    "2026-04-06 12:00:00,2026-04-06 12:00:00,Ukjent AS,faktura\n").encode()


def _freshdesk(session, content: bytes, _work: Path):
    from data.support.freshdesk import import_tickets

    return import_tickets(session, SUPPORT, content)


def _threatdragon_sample(_work: Path) -> bytes:
    from risk.threats.demo import digisos_threat_dragon

    return json.dumps(digisos_threat_dragon(), ensure_ascii=False).encode("utf-8")


def _threatdragon(session, content: bytes, _work: Path):
    from risk.threats.threatdragon import import_model

    return import_model(session, SECURITY, "svarut", content)


NSM_SAMPLE = (
    b"measure_id;title;principle\n"
    b"1.1.1;Testtiltak A (ikke NSMs tekst);1.1\n"
    b"2.3.1;Testtiltak B (ikke NSMs tekst);2.3\n"
    b"4.1.1;Testtiltak C (ikke NSMs tekst);4.1\n"
)


def _nsm(session, content: bytes, _work: Path):
    from risk.nsm import import_catalogue

    return import_catalogue(session, SECURITY, content, file_name="nsm.csv", version_label="fuzz")


def _meters_setup() -> None:
    from data.metering import usage as metering

    with db.session_scope(actor=METERING) as session:
        metering.load_default_meters(session, METERING)


def _events() -> list[dict]:
    return [{"specversion": "1.0", "id": f"fuzz-{i}", "source": "svarut", "type": "svarut.shipment",
             "subject": ("0301", "4601")[i % 2], "time": f"2025-0{1 + i % 3}-{1 + i % 28:02d}T10:00:00Z",
             "data": {"quantity": i % 7 + 1}} for i in range(12)]


def _jsonl_sample(_work: Path) -> bytes:
    return "".join(json.dumps(e) + "\n" for e in _events()).encode("utf-8")


def _csv_events_sample(_work: Path) -> bytes:
    from data.metering.ingest import CSV_FIELDS

    rows = [list(CSV_FIELDS)] + [[e["specversion"], e["id"], e["source"], e["type"], e["subject"], e["time"],
                                  str(e["data"]["quantity"])] for e in _events()]
    return _write_csv(rows, ",")


def _ingest_file(name: str):
    def run(session, content: bytes, work: Path):
        from data.metering import usage as metering

        path = work / name
        path.write_bytes(content)
        return metering.ingest_file(session, METERING, path)

    return run


@dataclass(frozen=True)
class Importer:
    name: str
    kind: str
    sample: Callable[[Path], bytes]
    run: Callable                      # run(session, content, work_dir)
    tables: tuple[str, ...]            # "module:Model" whose rows a refusal must leave alone
    setup: Callable[[], None] | None = None


IMPORTERS = [
    Importer("agreements", "xlsx", _agreements_sample, _agreements,
             ("agreements.models:MainAgreement", "agreements.models:ServiceAppendix")),
    Importer("costbase", "xlsx", _costbase_sample, _costbase,
             ("pricing.models:CostItem", "pricing.models:CostPool", "pricing.models:PoolKeyFigure")),
    Importer("digiorden", "xlsx", _digiorden_sample, _digiorden,
             ("portfolio.digiorden.models:DoVendor", "portfolio.digiorden.models:DoSystem",
              "portfolio.digiorden.models:DoSystemArea", "portfolio.digiorden.models:DoDataset",
              "portfolio.digiorden.models:DoIntegration")),
    Importer("demand", "xlsx", _demand_sample, _demand, ("portfolio.models:Demand",), _demand_setup),
    Importer("ssb", "csv", lambda _work: SSB_SAMPLE, _ssb, ("data.registers.models:Organisation",)),
    Importer("freshdesk", "csv", lambda _work: FRESHDESK_SAMPLE, _freshdesk, ("data.support.models:SupportTicket",)),
    Importer("threatdragon", "json", _threatdragon_sample, _threatdragon,
             ("risk.threats.models:ThreatModel", "risk.threats.models:ThreatElement", "risk.threats.models:Threat")),
    Importer("nsm", "csv", lambda _work: NSM_SAMPLE, _nsm,
             ("risk.models:NsmCatalogue", "risk.models:NsmCatalogueMeasure")),
    Importer("metering-jsonl", "jsonl", _jsonl_sample, _ingest_file("events.jsonl"),
             ("data.metering.models:UsageEvent", "data.metering.models:UsageMonthly", "data.metering.models:UsageBatch"),
             _meters_setup),
    Importer("metering-csv", "csv", _csv_events_sample, _ingest_file("events.csv"),
             ("data.metering.models:UsageEvent", "data.metering.models:UsageMonthly", "data.metering.models:UsageBatch"),
             _meters_setup),
]


def _model(spec: str):
    module, name = spec.split(":")
    return getattr(__import__(module, fromlist=[name]), name)


def counts(importer: Importer) -> tuple:
    """The importer's table row counts and the audit log's last sequence number."""
    with db.session_scope() as session:
        tables = tuple(session.scalar(select(func.count()).select_from(_model(spec))) for spec in importer.tables)
        return (*tables, session.scalar(select(func.coalesce(func.max(AuditEntry.seq), 0))))


@dataclass
class Outcome:
    label: str
    result: str            # "ok", "refused" or "traceback"
    seconds: float
    detail: str = ""
    partial: bool = False  # refused, but the counts changed


def attempt(importer: Importer, label: str, content: bytes, work: Path) -> Outcome:
    """Import `content` in one transaction as the app does; refused or failed, it is rolled back."""
    before = counts(importer)
    start = time.perf_counter()
    try:
        with db.session_scope(actor=make_actor("admin", username="fuzz")) as session:
            importer.run(session, content, work)
    except BackofficeError as error:
        seconds = time.perf_counter() - start
        after = counts(importer)
        return Outcome(label, "refused", seconds, error.message[:300], partial=after != before)
    except Exception as error:  # noqa: BLE001 - what the fuzzing is for
        import traceback

        return Outcome(label, "traceback", time.perf_counter() - start,
                       "".join(traceback.format_exception(error))[-3000:])
    return Outcome(label, "ok", time.perf_counter() - start)


# --- the test --------------------------------------------------------------------------------------------

MUTATIONS_PER_IMPORTER = 33


@pytest.mark.both_databases
@pytest.mark.parametrize("importer", IMPORTERS, ids=[i.name for i in IMPORTERS])
def test_mutated_files_succeed_or_are_refused_plainly_and_a_refusal_writes_nothing(db_url, importer, tmp_path):
    if importer.setup:
        importer.setup()
    sample = importer.sample(tmp_path)
    assert attempt(importer, "sample", sample, tmp_path).result == "ok", "the unmutated sample must import"
    problems = []
    for label, content in mutations(importer.kind, sample, MUTATIONS_PER_IMPORTER, seed=importer.name):
        outcome = attempt(importer, label, content, tmp_path)
        if outcome.result == "traceback":
            problems.append(f"{label}: traceback\n{outcome.detail}")
        elif outcome.partial:
            problems.append(f"{label}: refused ({outcome.detail[:120]}) but the tables changed")
        elif outcome.result == "refused" and ("Traceback" in outcome.detail or "SELECT " in outcome.detail):
            problems.append(f"{label}: refusal is not plain language: {outcome.detail[:200]}")
    assert problems == [], "\n\n".join(problems)


# --- the failures seen, one by one -----------------------------------------------------------------------


def _refusal(importer_name: str, content: bytes, work: Path) -> str:
    importer = next(i for i in IMPORTERS if i.name == importer_name)
    if importer.setup:
        importer.setup()
    before = counts(importer)
    with pytest.raises(BackofficeError) as refused:
        with db.session_scope(actor=make_actor("admin", username="fuzz")) as session:
            importer.run(session, content, work)
    assert counts(importer) == before
    return refused.value.message


def _with_sheet_xml(content: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    members = _members(content)
    name = sorted(n for n in members if n.startswith("xl/worksheets/sheet"))[0]
    members[name] = edit(members[name])
    return _zip(members)


def test_damaged_sheet_xml_is_refused_naming_the_sheet(db_url, tmp_path):
    """The rows were read outside the `try` that guarded opening: a cut sheet was a ParseError traceback."""
    sample = _agreements_sample(tmp_path)
    cut = _with_sheet_xml(sample, lambda xml: xml[: xml.index(b"</sheetData>") - 40])
    assert _refusal("agreements", cut, tmp_path) == (
        "Excel-filen er skadet og kan ikke leses (arket «Avtaler»). Åpne den i Excel, lagre den på nytt og prøv "
        "igjen. Ingenting er lagret.")


def test_an_inflated_workbook_is_refused_by_its_size_before_it_is_read(db_url, tmp_path):
    bomb = zip_bomb(_costbase_sample(tmp_path), random.Random(1))
    start = time.perf_counter()
    message = _refusal("costbase", bomb, tmp_path)
    assert message.startswith("Filen er for stor: ") and message.endswith(
        " MB utpakket, grensen er 24,0 MB. Del den opp og prøv igjen.")
    huge = _with_sheet_xml(_digiorden_sample(tmp_path),
                           lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    assert _refusal("digiorden", huge, tmp_path).startswith("Arket «Leverandører» er for stort: 1 048 576 rader og "
                                                            "16 384 kolonner, grensen er 2 000 000 celler.")
    far = _with_sheet_xml(_agreements_sample(tmp_path), lambda xml: xml.replace(
        b"<sheetData>", b'<sheetData><row r="99999999"><c r="A99999999"><v>1</v></c></row>', 1))
    assert _refusal("agreements", far, tmp_path).startswith("Arket «Avtaler» er for stort")
    assert time.perf_counter() - start < 60   # a loose bound, only against a read in full (minutes)


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_csv_with_cr_line_endings_imports(db_url, tmp_path, ending):
    """SSB's classification export with CR line ends was a csv.Error traceback."""
    for name, sample in (("ssb", SSB_SAMPLE), ("freshdesk", FRESHDESK_SAMPLE)):
        importer = next(i for i in IMPORTERS if i.name == name)
        content = sample.decode().replace("\n", ending).encode()
        assert attempt(importer, "cr", content, tmp_path).result == "ok", name


def test_a_field_over_128_kib_is_read_and_refused_as_too_long(db_url, tmp_path):
    """The csv module's 131 072-character field limit was a traceback (SSB, Freshdesk)."""
    long_name = "Oslo" * 40_000
    ssb = SSB_SAMPLE.replace(b"0301;;1;Oslo;", f"0301;;1;{long_name};".encode())
    assert _refusal("ssb", ssb, tmp_path).endswith('Rad 2, felt «name»: Er for lang (høyst 200 tegn).')
    freshdesk = FRESHDESK_SAMPLE.replace(b"Brev ikke levert", long_name.encode())
    message = _refusal("freshdesk", freshdesk, tmp_path)
    assert "Rad 2" in message and "Emne" in message and "500" in message


def test_csv_in_utf16_or_windows_1252_is_read(db_url, tmp_path):
    importer = next(i for i in IMPORTERS if i.name == "freshdesk")
    for encoding in ("utf-16", "cp1252"):
        assert attempt(importer, encoding, FRESHDESK_SAMPLE.decode().encode(encoding), tmp_path).result == "ok"


def test_threat_dragon_file_with_wrong_types_is_refused_naming_cell_and_field(db_url, tmp_path):
    document = json.loads(_threatdragon_sample(tmp_path))
    document["detail"]["diagrams"][0]["cells"][0]["position"] = {"x": "ds-caseworker", "y": 10}
    message = _refusal("threatdragon", json.dumps(document).encode(), tmp_path)
    assert "«position.x»" in message and "ventet et tall" in message
    assert _refusal("threatdragon", b"[" * 100_000 + b"]" * 100_000, tmp_path).startswith("Filen er ikke gyldig JSON")
