"""The shared Excel helpers: what add_sheet writes into every cell, and fills on many cells."""
import io
from datetime import date, datetime

from openpyxl import load_workbook

from data.excel import Column, add_sheet, fill_cells, new_workbook, workbook_bytes


def _reopen(workbook):
    return load_workbook(io.BytesIO(workbook_bytes(workbook)))


def test_add_sheet_values_and_number_formats_per_column():
    workbook = new_workbook()
    columns = [Column("Navn"), Column("Beløp", "money"), Column("Antall", "int"), Column("Andel", "percent"),
               Column("Dato", "date"), Column("Tidspunkt", "datetime"), Column("Dato som tekst")]
    rows = [["=SUM(A1)", 123_456, 7, 0.25, date(2024, 3, 1), datetime(2024, 3, 1, 8, 30), date(2024, 5, 6)],
            [None, "=B2*2", None, None, None, None, None]]
    add_sheet(workbook, "Ark", columns, rows, total_columns=(2, 3))
    sheet = _reopen(workbook)["Ark"]
    assert [c.value for c in sheet[1]] == ["Navn", "Beløp", "Antall", "Andel", "Dato", "Tidspunkt", "Dato som tekst"]
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb == "001F4E79"
    first = [c.value for c in sheet[2]]
    assert first[:4] == ["'=SUM(A1)", 1234.56, 7, 0.25]      # øre as kroner; user text never a formula
    assert first[4] == datetime(2024, 3, 1) and first[5] == datetime(2024, 3, 1, 8, 30)
    assert sheet["B3"].value == "=B2*2"                                   # our own formula in a money column
    expected = ["@", '#,##0.00 "kr";-#,##0.00 "kr"', "#,##0", "0.0 %", "DD.MM.YYYY", "DD.MM.YYYY HH:MM", "@"]
    assert [c.number_format for c in sheet[2]] == expected
    assert [c.number_format for c in sheet[3]] == expected                # empty cells keep the column format
    assert [c.value for c in sheet[4]][:3] == ["Sum", "=SUBTOTAL(9,B2:B3)", "=SUBTOTAL(9,C2:C3)"]
    assert sheet["B4"].number_format == expected[1] and sheet["B4"].font.b
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:G3"


def test_fill_cells_colours_each_cell_and_keeps_its_format():
    workbook = new_workbook()
    rows = [[f"R-{n}", n, date(2024, 1, n)] for n in range(1, 21)]
    sheet = add_sheet(workbook, "Ark", [Column("Nr."), Column("Tall", "int"), Column("Dato", "date")], rows)
    colours = ["C6EFCE", "FFEB9C", "FFC7CE"]
    fill_cells(sheet, [(row, column, colours[(row + column) % 3])
                       for row in range(2, 22) for column in (1, 2, 3) if row % 4])
    sheet = _reopen(workbook)["Ark"]
    for row in range(2, 22):
        for column, number_format in zip((1, 2, 3), ("@", "#,##0", "DD.MM.YYYY"), strict=True):
            cell = sheet.cell(row=row, column=column)
            assert cell.number_format == number_format
            if row % 4:
                assert cell.fill.fill_type == "solid"
                assert cell.fill.fgColor.rgb == "00" + colours[(row + column) % 3]
            else:
                assert cell.fill.fill_type is None
