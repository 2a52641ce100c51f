"""A small evaluator for the formulas the calculation sheet uses (SUM, ROUND, MAX, IF, COUNTIF, SUMIF,
SUBTOTAL, + − × ÷ and cell references across sheets), so a test can recompute the workbook from its
inputs the way a spreadsheet would. Numbers are Decimal; ROUND is half away from zero like Excel."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.utils import column_index_from_string, get_column_letter

REF = re.compile(r"(?:'([^']+)'!|([A-Za-z_][\w ]*)!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")
STRING = re.compile(r'"([^"]*)"')


class Workbook:
    def __init__(self, workbook):
        self.wb = workbook
        self.cache: dict[tuple[str, str], object] = {}

    def value(self, sheet: str, cell: str):
        key = (sheet, cell)
        if key not in self.cache:
            raw = self.wb[sheet][cell].value
            if isinstance(raw, str) and raw.startswith("="):
                self.cache[key] = self.evaluate(sheet, raw[1:])
            elif isinstance(raw, bool):
                self.cache[key] = raw
            elif isinstance(raw, int | float):
                self.cache[key] = Decimal(str(raw))
            else:
                self.cache[key] = raw
        return self.cache[key]

    def cells(self, sheet, c1, r1, c2, r2):
        out = []
        for col in range(column_index_from_string(c1), column_index_from_string(c2) + 1):
            for row in range(int(r1), int(r2) + 1):
                out.append(self.value(sheet, f"{get_column_letter(col)}{row}"))
        return out

    def evaluate(self, sheet: str, formula: str):
        strings: list[str] = []

        def keep_string(match):
            strings.append(match.group(1))
            return f"__s[{len(strings) - 1}]"

        expr = STRING.sub(keep_string, formula)

        def ref(match):
            target = match.group(1) or match.group(2) or sheet
            if match.group(5):
                return f"__rng({target!r},{match.group(3)!r},{match.group(4)!r},{match.group(5)!r},{match.group(6)!r})"
            return f"__ref({target!r},'{match.group(3)}{match.group(4)}')"

        expr = REF.sub(ref, expr)
        expr = re.sub(r"(?<![<>=!])=(?!=)", "==", expr).replace("<>", "!=")
        expr = re.sub(r"\b(\d+(?:\.\d+)?)\b(?![\]'])", r"__D('\1')", expr)
        env = {"__s": strings, "__D": Decimal, "__ref": lambda s, c: _num(self.value(s, c)),
               "__rng": lambda s, c1, r1, c2, r2: self.cells(s, c1, r1, c2, r2),
               "SUM": lambda *a: sum((_num(v) for v in _flat(a) if isinstance(v, Decimal | int)), Decimal(0)),
               "SUBTOTAL": lambda _k, *a: sum((_num(v) for v in _flat(a) if isinstance(v, Decimal | int)), Decimal(0)),
               "ROUND": lambda x, n: Decimal(x).quantize(Decimal(1).scaleb(-int(n)), rounding=ROUND_HALF_UP),
               "MAX": lambda *a: max(_num(v) for v in _flat(a)),
               "IF": lambda c, a, b: a if c else b,
               "COUNTIF": lambda r, crit: Decimal(sum(1 for v in r if v == crit)),
               "SUMIF": lambda r, crit, s: sum((_num(v) for k, v in zip(r, s, strict=True) if k == crit), Decimal(0))}
        return eval(expr, env)  # noqa: S307 (our own test helper on our own workbook)


def _flat(values):
    for value in values:
        if isinstance(value, list):
            yield from value
        else:
            yield value


def _num(value):
    if value is None:
        return Decimal(0)
    return value
