"""A small evaluator of the spreadsheet formulas our exports write, to recalculate a workbook the way
LibreOffice or Excel would and compare its figures with the app's.

It knows exactly what the exports use: numbers, text, cell and range references (also on other sheets,
'Quoted name'!$A$2:$A$9), + - * / ^ & and comparisons, and the functions SUM, SUBTOTAL(9, ...), SUMIF,
SUMIFS, COUNTIF, ROUND (half away from zero, as spreadsheets round), MAX, MIN, ABS and IF. Numbers are
Decimal, so a sum of kroner is exact. An unknown function or syntax raises, so a new formula in an export
cannot pass unchecked.
"""
from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
  | (?P<func>[A-Z][A-Z0-9.]*)\(
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<op><>|<=|>=|[-+*/^&=<>(),])
""", re.VERBOSE)
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


class FormulaError(Exception):
    pass


class ErrorValue(str):
    """A spreadsheet error value (#DIV/0!): carried along, and raised only where it is used as a number,
    so IF(C5=0,"",B5/C5) evaluates as in a spreadsheet although both branches are read here."""


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    return None


def _as_number(value) -> Decimal:
    if isinstance(value, ErrorValue):
        raise FormulaError(str(value))
    if value is None or value == "":
        return Decimal(0)
    number = _number(value)
    if number is not None:
        return number
    try:
        return Decimal(str(value))
    except Exception as exc:  # noqa: BLE001 - text that is no number: #VALUE! in a spreadsheet
        raise FormulaError(f"#VALUE!: {value!r}") from exc


def _matches(value, criterion) -> bool:
    """SUMIF/SUMIFS/COUNTIF's test of one cell against a plain criterion (equality): numbers and text
    that reads as the same number match, text matches text ignoring case."""
    if isinstance(criterion, str) and criterion[:2] in ("<>", ">=", "<="):
        raise FormulaError(f"criterion operators are not used by the exports: {criterion!r}")
    if criterion is None or criterion == "":
        return value is None or value == ""
    left, right = _number(value), _number(criterion)
    if left is None and isinstance(value, str):
        try:
            left = Decimal(value)
        except Exception:  # noqa: BLE001
            left = None
    if right is None and isinstance(criterion, str):
        try:
            right = Decimal(criterion)
        except Exception:  # noqa: BLE001
            right = None
    if left is not None and right is not None:
        return left == right
    return isinstance(value, str) and isinstance(criterion, str) and value.lower() == criterion.lower()


class Workbook:
    """An openpyxl workbook whose cells can be evaluated: `value(sheet, "B7")`."""

    def __init__(self, content):
        """`content`: the workbook's bytes, or an openpyxl workbook already loaded."""
        self.book = load_workbook(io.BytesIO(content)) if isinstance(content, bytes | bytearray) else content
        self._memo: dict[tuple[str, int, int], object] = {}
        self._index: dict[tuple, dict] = {}

    # --- cells -------------------------------------------------------------------------------------

    def raw(self, sheet: str, row: int, column: int):
        return self.book[sheet].cell(row=row, column=column).value

    def value(self, sheet: str, coordinate: str):
        match = _CELL.fullmatch(coordinate)
        return self.cell(sheet, int(match.group(2)), column_index_from_string(match.group(1)))

    def cell(self, sheet: str, row: int, column: int):
        key = (sheet, row, column)
        if key not in self._memo:
            raw = self.raw(sheet, row, column)
            if isinstance(raw, str) and raw.startswith("="):
                self._memo[key] = self.formula(sheet, raw[1:])
            else:
                number = _number(raw) if not isinstance(raw, bool) else None
                self._memo[key] = number if number is not None else raw
        return self._memo[key]

    def column_values(self, sheet: str, column: str, first_row: int, last_row: int) -> list:
        index = column_index_from_string(column)
        return [self.cell(sheet, r, index) for r in range(first_row, last_row + 1)]

    # --- formulas -------------------------------------------------------------------------------------

    def formula(self, sheet: str, text: str):
        tokens = [(kind, value) for kind, value in self._tokens(text) if kind != "ws"]
        parser = _Parser(self, sheet, tokens)
        result = parser.expression()
        if parser.position != len(tokens):
            raise FormulaError(f"cannot read {text!r} at token {parser.position}")
        return result.values[0] if isinstance(result, _Range) and len(result.values) == 1 else result

    @staticmethod
    def _tokens(text: str):
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None:
                raise FormulaError(f"cannot read {text!r} at {position}")
            kind = match.lastgroup
            yield kind, match.group(kind)
            position = match.end()

    def range(self, sheet: str, reference: str) -> _Range:
        if "!" in reference:
            sheet, reference = reference.rsplit("!", 1)
            sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        start, _, end = reference.partition(":")
        first, last = _CELL.fullmatch(start), _CELL.fullmatch(end or start)
        rows = range(int(first.group(2)), int(last.group(2)) + 1)
        columns = range(column_index_from_string(first.group(1)), column_index_from_string(last.group(1)) + 1)
        return _Range(self, sheet, rows, columns)


class _Range:
    def __init__(self, book: Workbook, sheet: str, rows: range, columns: range):
        self.book, self.sheet, self.rows, self.columns = book, sheet, rows, columns

    @property
    def key(self) -> tuple:
        return (self.sheet, self.rows.start, self.rows.stop, self.columns.start, self.columns.stop)

    @property
    def values(self) -> list:
        return [self.book.cell(self.sheet, r, c) for r in self.rows for c in self.columns]


class _Parser:
    def __init__(self, book: Workbook, sheet: str, tokens: list[tuple[str, str]]):
        self.book, self.sheet, self.tokens, self.position = book, sheet, tokens, 0

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, None)

    def take(self, value: str | None = None):
        token = self.peek()
        if value is not None and token[1] != value:
            raise FormulaError(f"expected {value!r}, found {token[1]!r}")
        self.position += 1
        return token

    def expression(self):
        left = self.concatenation()
        while self.peek()[1] in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            right = self.concatenation()
            left = _compare(_scalar(left), _scalar(right), op)
        return left

    def concatenation(self):
        left = self.additive()
        while self.peek()[1] == "&":
            self.take()
            left = _text(_scalar(left)) + _text(_scalar(self.additive()))
        return left

    def additive(self):
        left = self.multiplicative()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = _as_number(_scalar(self.multiplicative()))
            left = _as_number(_scalar(left)) + right if op == "+" else _as_number(_scalar(left)) - right
        return left

    def multiplicative(self):
        left = self.power()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            right = _as_number(_scalar(self.power()))
            if op == "/" and right == 0:
                left = ErrorValue("#DIV/0!")
                continue
            left = _as_number(_scalar(left)) * right if op == "*" else _as_number(_scalar(left)) / right
        return left

    def power(self):
        left = self.unary()
        while self.peek()[1] == "^":
            self.take()
            left = _as_number(_scalar(left)) ** int(_as_number(_scalar(self.unary())))
        return left

    def unary(self):
        if self.peek()[1] in ("-", "+"):
            op = self.take()[1]
            value = _as_number(_scalar(self.unary()))
            return -value if op == "-" else value
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "number":
            return Decimal(value)
        if kind == "string":
            return value[1:-1].replace('""', '"')
        if kind == "ref":
            return self.book.range(self.sheet, value)
        if kind == "func":
            arguments = []
            if self.peek()[1] != ")":
                arguments.append(self.expression())
                while self.peek()[1] == ",":
                    self.take()
                    arguments.append(self.expression())
            self.take(")")
            return self.call(value, arguments)
        if value == "(":
            inner = self.expression()
            self.take(")")
            return inner
        raise FormulaError(f"unexpected {value!r}")

    def call(self, name: str, args: list):
        if name == "SUM":
            return _sum(args)
        if name == "SUBTOTAL":
            if _as_number(_scalar(args[0])) != 9:
                raise FormulaError("only SUBTOTAL(9, ...) is used")
            return _sum(args[1:])
        if name in ("MAX", "MIN"):
            numbers = [n for n in _numbers(args)]
            return (max if name == "MAX" else min)(numbers) if numbers else Decimal(0)
        if name == "ABS":
            return abs(_as_number(_scalar(args[0])))
        if name == "ROUND":
            digits = int(_as_number(_scalar(args[1])))
            return _as_number(_scalar(args[0])).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        if name == "IF":
            condition = _scalar(args[0])
            truthy = bool(condition) if isinstance(condition, bool) else _as_number(condition) != 0
            chosen = args[1] if truthy else (args[2] if len(args) > 2 else False)
            return _scalar(chosen)
        if name == "SUMIF":
            criteria_range, criterion = args[0], _scalar(args[1])
            sum_range = args[2] if len(args) > 2 else args[0]
            return self._sumifs(sum_range, [(criteria_range, criterion)])
        if name == "SUMIFS":
            pairs = [(args[i], _scalar(args[i + 1])) for i in range(1, len(args), 2)]
            return self._sumifs(args[0], pairs)
        if name == "COUNTIF":
            return Decimal(sum(1 for v in args[0].values if _matches(v, _scalar(args[1]))))
        raise FormulaError(f"function {name} is not known to this evaluator")

    def _sumifs(self, sum_range: _Range, pairs: list) -> Decimal:
        if len(pairs) == 1 and isinstance(pairs[0][1], str):   # one equality on text: index the range once
            criteria_range, criterion = pairs[0]
            key = (sum_range.key, criteria_range.key)
            index = self.book._index.get(key)
            if index is None:
                index = {}
                for value, amount in zip(criteria_range.values, sum_range.values, strict=True):
                    number = _number(amount)
                    if number is not None:
                        label = "" if value is None else str(value).lower()
                        index[label] = index.get(label, Decimal(0)) + number
                self.book._index[key] = index
            return index.get(criterion.lower(), Decimal(0))
        total = Decimal(0)
        columns = [c.values for c, _ in pairs]
        for i, amount in enumerate(sum_range.values):
            if all(_matches(column[i], criterion) for column, (_, criterion) in zip(columns, pairs, strict=True)):
                number = _number(amount)
                total += number if number is not None else 0
        return total


def _scalar(value):
    if isinstance(value, _Range):
        values = value.values
        if len(values) != 1:
            raise FormulaError("a range where one value belongs")
        return values[0]
    return value


def _numbers(args) -> list[Decimal]:
    out = []
    for arg in args:
        if isinstance(arg, _Range):
            out += [n for v in arg.values if (n := _number(v)) is not None]
        else:
            out.append(_as_number(arg))
    return out


def _sum(args) -> Decimal:
    return sum(_numbers(args), Decimal(0))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _compare(left, right, op: str) -> bool:
    if isinstance(left, str) or isinstance(right, str):
        left, right = _text(left).lower(), _text(right).lower()
    else:
        left, right = _as_number(left), _as_number(right)
    return {"=": left == right, "<>": left != right, "<": left < right, ">": left > right,
            "<=": left <= right, ">=": left >= right}[op]


def column_letter(index: int) -> str:
    return get_column_letter(index)
