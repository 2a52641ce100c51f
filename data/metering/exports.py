"""Metering's downloads, built here so that the usage page and `backoffice meter export` give the same
file: usage per organisation, meter and month as a finished workbook."""
from __future__ import annotations

from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.i18n import t
from data.metering.usage import MonthlyUsage


def usage_workbook(rows: list[MonthlyUsage]) -> bytes:
    """Rows of `usage.usage_by_month` as one sheet, with sums of quantity, events and late quantity."""
    columns = [Column(t("meter.month"), "date"), Column(t("meter.org_number")), Column(t("meter.organisation")),
               Column(t("meter.service")), Column(t("meter.meter")), Column(t("meter.unit")),
               Column(t("meter.quantity"), "int"), Column(t("meter.events"), "int"),
               Column(t("meter.late_quantity"), "int")]
    values = [[r.month, r.org_number, r.organisation_name, r.service_code, r.meter_code, r.unit, r.quantity,
               r.events, r.late_quantity] for r in rows]
    workbook = new_workbook()
    add_sheet(workbook, t("meter.sheet_usage"), columns, values, total_columns=(7, 8, 9))
    return workbook_bytes(workbook)
