"""DigiOrden downloads: an organisation's record of processing and its list of gaps, as finished workbooks
(the pages offer them, `backoffice digiorden records|gaps` writes them)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from data.access import Actor
from data.db import utcnow
from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.i18n import t
from data.registers.registry import get_organisation
from portfolio.digiorden import analysis
from portfolio.digiorden.analysis import RECORD_COLUMNS


def records_workbook(session: Session, organisation_id: int, actor: Actor | None) -> bytes:
    """The record of processing as a finished workbook: the controller, then one row per processing (what
    `actor` may read, see systems.map_data)."""
    org = get_organisation(session, organisation_id)
    records = analysis.records_of_processing(session, organisation_id, actor)
    workbook = new_workbook()
    about = [[t("do.records.controller"), org.name], [t("do.about.org_number"), org.org_number or ""],
             [t("do.records.generated"), utcnow().strftime("%d.%m.%Y %H:%M UTC")],
             [t("do.records.count"), len(records)],
             [t("do.records.incomplete"), sum(1 for r in records if not r["complete"])],
             [t("do.records.note_label"), t("do.records.note")]]
    add_sheet(workbook, t("do.records.about_sheet"), [Column(t("do.about.what"), width=30),
                                                      Column(t("do.about.value"), width=90)], about)
    columns = [Column(t(f"do.records.col.{c}"), width=40 if c in ("purpose", "data_flows", "security_measures")
                      else None) for c in RECORD_COLUMNS] + [Column(t("do.records.col.complete"))]
    rows = [[r[c] for c in RECORD_COLUMNS] + [t("do.yes") if r["complete"] else t("do.no")] for r in records]
    add_sheet(workbook, t("do.records.sheet"), columns, rows)
    return workbook_bytes(workbook)


def gap_rows(gaps: list[dict]) -> list[list]:
    """The gaps as the page shows them: severity, kind, item, what is missing, how to fix it."""
    return [[t(f"do.severity.{g['severity']}"), t(f"do.kind.{g['kind']}"), g["item"], g["gap"], g["fix"]]
            for g in gaps]


def gaps_workbook(session: Session, organisation_id: int, actor: Actor | None, severities: tuple[int, ...] = (),
                  kinds: tuple[str, ...] = ()) -> bytes:
    """The organisation's gaps (optionally only some severities and kinds), most serious first."""
    gaps = analysis.filter_gaps(analysis.completeness(session, organisation_id, actor)["gaps"], severities, kinds)
    workbook = new_workbook()
    add_sheet(workbook, t("do.page.gaps"),
              [Column(t("do.gaps.severity")), Column(t("do.gaps.kind")), Column(t("do.gaps.item")),
               Column(t("do.gaps.gap"), width=60), Column(t("do.gaps.fix"), width=60)],
              gap_rows(gaps))
    return workbook_bytes(workbook)
