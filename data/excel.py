"""Excel and CSV exports that look finished, and reading sheets back for all-or-nothing imports."""
from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from data.errors import BackofficeError
from data.i18n import t

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FORMATS = {
    "money": '#,##0.00 "kr";-#,##0.00 "kr"',
    "int": "#,##0",
    "decimal": "#,##0.00",
    "percent": "0.0 %",
    "date": "DD.MM.YYYY",
    "datetime": "DD.MM.YYYY HH:MM",
    "text": "@",
}


def safe_text(value):
    """User text is never run as a formula by a spreadsheet."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class Column:
    header: str
    kind: str = "text"      # one of FORMATS
    width: int | None = None


def _cell_value(value, kind: str):
    if value is None:
        return None
    if kind == "money" and isinstance(value, int):
        return Decimal(value) / 100   # øre -> kroner
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        if kind != "text" and value.startswith("="):
            return value  # a formula of our own
        return safe_text(value)
    return value


def add_sheet(workbook: Workbook, title: str, columns: list[Column], rows: list[list], formulas: bool = True,
              total_columns: tuple[int, ...] = ()):
    """A styled sheet: header, frozen panes, autofilter, widths, number formats, optional SUM row.

    Values that are strings starting with "=" in a non-text column are written as formulas (our own,
    never user text: user text goes through text columns and is neutralised).
    """
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    # Each column's number format is set once on a model cell and its style copied into every cell of
    # the column as the cell is made: setting number_format cell by cell over column scans cost seconds
    # on sheets of thousands of rows.
    styles = []
    for column in columns:
        model = Cell(sheet)
        model.number_format = FORMATS[column.kind]
        styles.append(model._style)
    for row in rows:
        cells = []
        for value, column, style in zip(row, columns, styles, strict=True):
            cell = Cell(sheet, value=_cell_value(value, column.kind), style_array=style)
            if cell.data_type == "d" and cell._style != style:
                cell._style = copy(style)   # openpyxl formats a date in a column not formatted for dates
            cells.append(cell)
        sheet.append(cells)
    last = sheet.max_row
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        longest = max([len(str(column.header))] + [len(str(r[index - 1] or "")) for r in rows[:500]])
        sheet.column_dimensions[letter].width = column.width or min(max(10, longest + 2), 60)
    if total_columns and rows:
        total_row = last + 1
        sheet.cell(row=total_row, column=1, value=t("export.total")).font = Font(bold=True)
        for index in total_columns:
            letter = get_column_letter(index)
            cell = sheet.cell(row=total_row, column=index, value=f"=SUBTOTAL(9,{letter}2:{letter}{last})")
            cell.font = Font(bold=True)
            cell.number_format = FORMATS[columns[index - 1].kind]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(last, 1)}"
    return sheet


def fill_cells(sheet, cells) -> None:
    """Solid fills on many cells, given as (row, column, RGB colour) each.

    Setting ``cell.fill`` hashes the fill anew for every cell (about 50 µs each); here each combination
    of a cell's style and colour is styled once and copied, so colouring thousands of cells stays quick.
    """
    styled: dict = {}
    for row, column, colour in cells:
        cell = sheet.cell(row=row, column=column)
        key = (None if cell._style is None else tuple(cell._style), colour)
        style = styled.get(key)
        if style is None:
            cell.fill = PatternFill("solid", fgColor=colour)
            styled[key] = copy(cell._style)
        else:
            cell._style = copy(style)


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_export(headers: list[str], rows: list[list]) -> bytes:
    """Semicolon CSV in UTF-8 with BOM (opens right in Norwegian Excel), user text neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value):
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y %H:%M") if isinstance(value, datetime) else value.strftime("%d.%m.%Y")
    return safe_text(value) if isinstance(value, str) else value


_UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                 (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(content: bytes | str, message_key: str = "import.encoding") -> str:
    """An uploaded CSV file's text: UTF-16 or UTF-32 when it starts with their byte order mark, else UTF-8
    (with or without BOM), else Windows-1252 (what Excel saves), else a plain-language error (`message_key`)."""
    if isinstance(content, str):
        return content
    for bom, encoding in _UNICODE_BOMS:   # Excel's "Unicode text" is UTF-16 with a BOM
        if content.startswith(bom):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                raise BackofficeError(t(message_key)) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BackofficeError(t(message_key))


# --- reading CSV -----------------------------------------------------------------------------------

# A field may be this long (the csv module's own limit, 131 072 characters, refused a long ticket text
# with a traceback); a longer one is refused plainly. A file's size is bounded by the upload anyway.
CSV_FIELD_LIMIT = 4 * 1024 * 1024


def allow_long_csv_fields() -> None:
    """Let the csv module read fields up to CSV_FIELD_LIMIT (its own limit, 128 KiB, is process-wide)."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)


def csv_rows(text: str, delimiter: str = ",") -> Iterator[list[str]]:
    """The rows of CSV text as lists of fields: CR, LF or CR LF line ends, quoted fields over several lines,
    fields up to CSV_FIELD_LIMIT characters. A file the csv module cannot read is a plain-language error
    naming the line, never a traceback."""
    allow_long_csv_fields()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = max(reader.line_num, 1)
            if "field larger than field limit" in str(exc):
                raise BackofficeError(t("import.field_too_long", line=line, limit=f"{CSV_FIELD_LIMIT:,}".replace(
                    ",", " "))) from None
            raise BackofficeError(t("import.csv_damaged", line=line)) from None
        yield row


def csv_records(text: str, delimiter: str = ",") -> tuple[list[str], Iterator[dict[str, str]]]:
    """(header fields, an iterator of {header: value} per row) like csv.DictReader, through `csv_rows`: a
    short row gets "" for its missing fields, the extra fields of a long row are dropped."""
    rows = csv_rows(text, delimiter)
    headers = next(rows, [])

    def records() -> Iterator[dict[str, str]]:
        for values in rows:
            if not values:
                continue
            yield {h: (values[i] if i < len(values) else "") for i, h in enumerate(headers)}

    return headers, records()


# --- reading workbooks -----------------------------------------------------------------------------

# An uploaded workbook is refused by its sizes before it is read in full (a zip bomb or a sheet declared
# a million rows by sixteen thousand columns would otherwise take minutes and all the memory). Every
# import sheet the app knows is far smaller: the whole agreement register is some 2 MB of XML.
MAX_XLSX_BYTES = 16 * 1024 * 1024          # the upload itself
MAX_XLSX_UNCOMPRESSED = 24 * 1024 * 1024   # all the zip's members unpacked
MAX_SHEET_ROWS = 100_000
MAX_SHEET_COLUMNS = 1_000
MAX_SHEET_CELLS = 2_000_000


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def check_workbook_size(content: bytes) -> None:
    """Refuse a workbook whose zip unpacks to more than MAX_XLSX_UNCOMPRESSED (a zip bomb), judged by the
    member sizes in the zip's directory before anything is unpacked (zipfile never unpacks a member beyond
    its stated size)."""
    if len(content) > MAX_XLSX_BYTES:
        raise BackofficeError(t("import.file_too_large", size=_megabytes(len(content)),
                                limit=_megabytes(MAX_XLSX_BYTES)))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except Exception as exc:  # noqa: BLE001 - BadZipFile, struct.error, ...: not a workbook either way
        raise BackofficeError(t("import.not_excel")) from exc
    if unpacked > MAX_XLSX_UNCOMPRESSED:
        raise BackofficeError(t("import.file_too_large", size=_megabytes(unpacked),
                                limit=_megabytes(MAX_XLSX_UNCOMPRESSED)))


def open_workbook(content: bytes):
    """A read-only workbook, or a plain-language error when the file is not one, is too large unpacked,
    is damaged or has no sheet. Every Excel import opens its file here."""
    check_workbook_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise BackofficeError(t("import.not_excel")) from exc
    if not workbook.worksheets:
        workbook.close()
        raise BackofficeError(t("import.not_excel"))
    return workbook


def sheet_rows(worksheet) -> tuple[list[str], list[tuple[int, dict]]]:
    """Rows of an open sheet as (row number in the sheet, {header: value}); blank rows skipped.

    A sheet declared (or found while reading) larger than the limits is refused by its size, and damaged
    sheet XML is a plain-language error naming the sheet: never a traceback."""
    title = str(getattr(worksheet, "title", "") or "")
    try:
        return _sheet_rows(worksheet, title)
    except BackofficeError:
        raise
    except Exception as exc:  # ParseError, BadZipFile ("Bad CRC-32"), ValueError in a cell reference, ...
        raise BackofficeError(t("import.damaged_excel", sheet=title)) from exc


def _too_large(title: str, rows: int, columns: int) -> BackofficeError:
    return BackofficeError(t("import.sheet_too_large", sheet=title, rows=f"{rows:,}".replace(",", " "),
                             columns=f"{columns:,}".replace(",", " "),
                             limit=f"{MAX_SHEET_CELLS:,}".replace(",", " ")))


def _sheet_rows(worksheet, title: str) -> tuple[list[str], list[tuple[int, dict]]]:
    if not hasattr(worksheet, "iter_rows"):   # a chart sheet
        raise BackofficeError(t("import.damaged_excel", sheet=title))
    declared_rows, declared_columns = worksheet.max_row or 0, worksheet.max_column or 0
    if (declared_rows > MAX_SHEET_ROWS or declared_columns > MAX_SHEET_COLUMNS
            or declared_rows * declared_columns > MAX_SHEET_CELLS):
        raise _too_large(title, declared_rows, declared_columns)
    if hasattr(worksheet, "reset_dimensions"):
        # Read what is there, not what the sheet declares (a declared size may be wrong): each row as wide
        # as its last cell, rows missing from the file as empty tuples.
        worksheet.reset_dimensions()
    rows = worksheet.iter_rows(min_row=1, min_col=1, values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        return [], []
    headers = [str(h).strip() if h is not None else "" for h in header_row[:_width(header_row)]]
    out = []
    cells = len(header_row)
    for number, values in enumerate(rows, start=2):
        cells += len(values)   # blank rows count too: each one was built cell by cell
        if number > MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
            raise _too_large(title, number, max(len(header_row), len(values)))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        record = {}
        for header, value in zip(headers, values, strict=False):
            if header:
                if isinstance(value, str):
                    value = value.strip()
                    if value.startswith("'") and value[1:2] in FORMULA_PREFIXES:
                        value = value[1:]
                record[header] = value
        out.append((number, record))
    return headers, out


def _width(values: tuple) -> int:
    """The row's length without its trailing empty cells."""
    width = len(values)
    while width and values[width - 1] is None:
        width -= 1
    return width


def read_sheet(content: bytes, sheet: str | None = None) -> tuple[list[str], list[tuple[int, dict]]]:
    """Rows of one sheet (the first when not named) as (row number, {header: value})."""
    workbook = open_workbook(content)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise BackofficeError(t("import.missing_sheet", sheet=sheet))
        return sheet_rows(workbook[sheet] if sheet else workbook.worksheets[0])
    finally:
        workbook.close()
