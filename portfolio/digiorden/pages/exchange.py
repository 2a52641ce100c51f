import pandas as pd
import streamlit as st

from data import db
from data.errors import ValidationFailed
from data.i18n import t
from data.pages import common
from portfolio.digiorden import archi as digiorden_archi
from portfolio.digiorden import exchange as digiorden_exchange
from portfolio.digiorden import exports as digiorden_exports
from portfolio.digiorden import systems as digiorden
from portfolio.digiorden.pages.widgets import choose_organisation, restricted_note

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

actor = common.require_actor()
common.header("do.page.exchange", "do.exchange.intro")

org = choose_organisation()
if org is None:
    st.stop()
org_id = org["id"]
slug = "".join(ch if ch.isalnum() else "-" for ch in org["name"].lower()).strip("-")

st.header(t("do.exchange.export"))
st.caption(t("do.exchange.export_help"))
restricted_note(actor)
c1, c2, c3, c4 = st.columns(4)
c1.download_button(t("do.exchange.download_map"), common.cached(digiorden_exchange.export_map, org_id, actor),
                   f"digiorden-{slug}.xlsx", mime=XLSX, icon=":material/download:", type="primary")
c2.download_button(t("do.exchange.download_archi"), common.cached(digiorden_archi.archi_zip, org_id, actor),
                   f"archi-{slug}.zip", mime="application/zip", icon=":material/download:",
                   help=t("do.exchange.archi_help"))
c3.download_button(t("do.records.download"), common.cached(digiorden_exports.records_workbook, org_id, actor),
                   f"behandlingsprotokoll-{slug}.xlsx", mime=XLSX, icon=":material/download:")
c4.download_button(t("do.exchange.download_template"), common.cached(digiorden_exchange.template),
                   "digiorden-mal.xlsx", mime=XLSX, icon=":material/download:",
                   help=t("do.exchange.template_help"))

st.header(t("do.exchange.import"))
if not actor.can(digiorden.PERMISSION):
    st.info(t("do.exchange.import_only_architect"))
    st.stop()

st.caption(t("do.exchange.import_help", name=org["name"]))
upload = st.file_uploader(t("do.exchange.file"), type=["xlsx"], key=f"do_upload_{org_id}")
if upload is None:
    st.stop()
content = upload.getvalue()


def show_errors(error: ValidationFailed) -> None:
    st.error(t("error.validation_failed", count=len(error.errors)))
    st.dataframe(pd.DataFrame([{"row": e.row, "where": e.field or "", "problem": e.message} for e in error.errors]),
                 hide_index=True, width="stretch", column_config={
                     "row": st.column_config.NumberColumn(t("do.exchange.row"), format="%d"),
                     "where": st.column_config.TextColumn(t("do.exchange.where")),
                     "problem": st.column_config.TextColumn(t("do.exchange.problem"))})


def run_import(dry_run: bool):
    try:
        with db.session_scope(actor=actor) as session:
            return digiorden_exchange.import_map(session, actor, org_id, content, dry_run=dry_run)
    except ValidationFailed as error:
        show_errors(error)
    except Exception as error:  # the error boundary: plain language, the detail logged under an error id
        common.show_error(error)
    return None


def show_counts(result) -> None:
    frame = pd.DataFrame([{"kind": t(f"do.kind.{kind}"), **counts} for kind, counts in result.counts.items()])
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "kind": st.column_config.TextColumn(t("do.exchange.kind")),
        "create": st.column_config.NumberColumn(t("do.exchange.created"), format="%d"),
        "update": st.column_config.NumberColumn(t("do.exchange.updated"), format="%d"),
        "delete": st.column_config.NumberColumn(t("do.exchange.deleted"), format="%d"),
        "unchanged": st.column_config.NumberColumn(t("do.exchange.unchanged"), format="%d"),
    })


preview = run_import(dry_run=True)
if preview is None:
    st.stop()
st.success(t("do.exchange.checked"))
show_counts(preview)
deleted = sum(c["delete"] for c in preview.counts.values())
if preview.changed == 0:
    st.info(t("do.exchange.nothing_to_do"))
    st.stop()
if deleted:
    st.warning(t("do.exchange.will_delete", count=deleted, name=org["name"]))
if common.confirmed_button(t("do.exchange.confirm", name=org["name"]), t("do.exchange.import_button"),
                           key=f"do_confirm_{org_id}", type="primary", icon=":material/upload:"):
    result = run_import(dry_run=False)
    if result is not None:
        st.success(t("do.exchange.imported", name=org["name"]))
        show_counts(result)
