"""The registers' downloads, built here so that the Organisations page and `backoffice orgs export` give
the same file."""
from __future__ import annotations

from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.i18n import t

ORGANISATION_KEYS = ("org_number", "name", "norwegian_name", "kind", "municipality_number", "county", "population",
                     "valid_from", "valid_to", "contact_email")


def organisations_workbook(rows: list[dict]) -> bytes:
    """Rows of `registry.organisation_rows` as one sheet, with the population summed."""
    columns = [Column(t("orgs.org_number")), Column(t("reg.orgs.official_name")), Column(t("reg.orgs.norwegian_name")),
               Column(t("orgs.kind")),
               Column(t("orgs.municipality_number")), Column(t("orgs.county")),
               Column(t("orgs.population"), "int"), Column(t("orgs.valid_from"), "date"),
               Column(t("orgs.valid_to"), "date"), Column(t("orgs.contact_email"))]
    values = [[t(f"org.kind.{row['kind']}") if key == "kind" else row.get(key) for key in ORGANISATION_KEYS]
              for row in rows]
    workbook = new_workbook()
    add_sheet(workbook, t("page.organisations"), columns, values, total_columns=(7,))
    return workbook_bytes(workbook)
