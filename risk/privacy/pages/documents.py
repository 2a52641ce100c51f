"""The management system's documents: policies, procedures and routines, their approval and next review."""
import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from risk import nsm
from risk.privacy import documents, exports
from risk.privacy.schemas import DocumentKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = [k.value for k in DocumentKind]

actor = common.require_actor()
common.header("priv.page.documents", "priv.doc.intro")
can_write = actor.can("risk.write")

overdue = common.cached(documents.document_rows, None, True)
for row in overdue:
    st.warning(t("priv.doc.warning_overdue", title=row["title"], days=row["days_overdue"], owner=row["owner_name"]),
               icon=":material/event_busy:")

c1, c2 = st.columns(2)
kind = c1.selectbox(t("priv.doc.col.kind"), [None, *KINDS],
                    format_func=lambda k: t("priv.doc.all_kinds") if k is None else t(f"priv.doc.kind.{k}"))
only_overdue = c2.toggle(t("priv.doc.only_overdue"))
rows = common.cached(documents.document_rows, kind, only_overdue)
if rows:
    frame = pd.DataFrame(rows)
    frame["kind_label"] = frame["kind"].map(lambda k: t(f"priv.doc.kind.{k}"))
    frame["state_label"] = frame["state"].map(lambda s: t(f"priv.doc.state.{s}"))
    frame = common.with_names(frame, persons=("approved_by",))
    st.dataframe(frame[["kind_label", "title", "owner_name", "doc_version", "approved_by", "approved_on",
                        "next_review", "state_label", "nsm_principles", "iso_controls"]],
                 hide_index=True, width="stretch",
                 column_config={"kind_label": t("priv.doc.col.kind"),
                                "title": st.column_config.TextColumn(t("priv.doc.col.title"), width="large"),
                                "owner_name": t("priv.doc.col.owner"), "doc_version": t("priv.doc.col.doc_version"),
                                "approved_by": t("priv.doc.col.approved_by"),
                                "approved_on": common.date_column(t("priv.doc.col.approved_on")),
                                "next_review": common.date_column(t("priv.doc.col.next_review")),
                                "state_label": t("priv.doc.col.state"), "nsm_principles": t("priv.doc.col.nsm"),
                                "iso_controls": t("priv.doc.col.iso")})
    with common.session() as session:
        st.download_button(t("priv.doc.download"), exports.documents_workbook(session), "styringsdokumenter.xlsx",
                           XLSX)
else:
    common.empty_state("priv.doc.empty")

principles = {p.id: f"{p.id} {p.title}" for p in nsm.principles()}
with st.expander(t("priv.doc.coverage")):
    st.dataframe(pd.DataFrame(common.cached(documents.coverage)), hide_index=True, width="stretch",
                 column_config={"principle": t("priv.doc.col.principle"),
                                "title": t("priv.doc.col.principle_title"),
                                "count": st.column_config.NumberColumn(t("priv.doc.col.count"), format="%d"),
                                "documents": st.column_config.TextColumn(t("priv.doc.col.documents"), width="large")})

all_rows = common.cached(documents.document_rows, None, False)
by_id = {r["id"]: r for r in all_rows}
owners = dict(common.cached(documents.owner_choices))

if can_write:
    with st.expander(t("priv.doc.edit"), expanded=not all_rows):
        chosen = st.selectbox(t("priv.doc.choose"), [None, *by_id], key="doc-edit",
                              format_func=lambda i: t("priv.doc.new") if i is None else by_id[i]["title"])
        current = by_id.get(chosen, {})
        # a new document's form is drawn empty after it is saved; an edited one anew with its saved values
        with st.form(common.form_key("doc-new") if chosen is None else f"doc-{chosen}-{current['version']}"):
            kind_in = st.selectbox(t("priv.doc.col.kind"), KINDS, index=KINDS.index(current.get("kind", "routine")),
                                   format_func=lambda k: t(f"priv.doc.kind.{k}"))
            title = st.text_input(t("priv.doc.col.title"), value=current.get("title", ""))
            purpose = st.text_area(t("priv.doc.col.purpose"), value=current.get("purpose", ""))
            location = st.text_input(t("priv.doc.col.location"), value=current.get("location", ""))
            c1, c2, c3 = st.columns(3)
            owner_keys = list(owners)
            owner = c1.selectbox(t("priv.doc.col.owner"), owner_keys, format_func=owners.get,
                                 index=owner_keys.index(current["owner"]) if current.get("owner") in owner_keys else None)
            version = c2.text_input(t("priv.doc.col.doc_version"), value=current.get("doc_version", "1.0"))
            months = c3.number_input(t("priv.doc.col.review_months"), 1, 60, current.get("review_months", 12))
            nsm_ids = st.multiselect(t("priv.doc.col.nsm"), list(principles), format_func=principles.get,
                                     default=[p for p in current.get("nsm_principles", "").split(", ") if p in principles])
            controls = st.text_input(t("priv.doc.col.iso"), value=current.get("iso_controls", ""),
                                     help=t("priv.doc.iso_help"))
            if st.form_submit_button(t("ui.save"), type="primary"):
                payload = {"kind": kind_in, "title": title, "purpose": purpose, "location": location,
                           "owner": owner or "", "doc_version": version, "review_months": int(months),
                           "nsm_principles": nsm_ids, "iso_controls": controls}
                if chosen is None:
                    saved = common.save_once("doc-new", payload, documents.save_document, payload,
                                             success=t("ui.saved"))
                else:
                    saved = common.write(documents.save_document, payload, chosen, current["version"],
                                         success=t("ui.saved"))
                if saved:
                    st.rerun()

# only what this user may sign: not documents they own, registered or prepared (two people sign)
if any(documents.can_approve(actor, r["kind"]) for r in all_rows):
    ids = {r["id"]: r for r in all_rows if documents.may_approve(actor, r)}
    with st.expander(t("priv.doc.approve")):
        st.caption(t("priv.doc.approve_help"))
        if not ids:
            st.info(t("priv.doc.approve_none"))
        else:
            chosen = st.selectbox(t("priv.doc.choose"), list(ids), key="doc-approve",
                                  format_func=lambda i: f"{ids[i]['title']} (v{ids[i]['doc_version']})")
            with st.form(f"approve-{chosen}-{ids[chosen]['version']}"):      # anew once approved
                c1, c2 = st.columns(2)
                approved_on = c1.date_input(t("priv.doc.col.approved_on"), value=documents.today(),
                                            format="DD.MM.YYYY")
                next_review = c2.date_input(t("priv.doc.col.next_review"), value=None, format="DD.MM.YYYY",
                                            help=t("priv.doc.next_review_help"))
                note = st.text_input(t("priv.field.note"))
                if st.form_submit_button(t("priv.doc.approve_button"), type="primary"):
                    if common.write(documents.approve_document, chosen, {"approved_on": approved_on,
                                                                         "next_review": next_review, "note": note},
                                    ids[chosen]["version"], success=t("ui.saved")):
                        st.rerun()

if by_id:
    with st.expander(t("priv.doc.history")):
        picked = st.selectbox(t("priv.doc.choose"), list(by_id), key="doc-history",
                              format_func=lambda i: by_id[i]["title"])
        history = common.cached(documents.approval_rows, picked)
        if history:
            st.dataframe(common.with_names(pd.DataFrame(history), persons=("approved_by",)), hide_index=True,
                         width="stretch",
                         column_config={"doc_version": t("priv.doc.col.doc_version"),
                                        "approved_by": t("priv.doc.col.approved_by"),
                                        "approved_on": common.date_column(t("priv.doc.col.approved_on")),
                                        "next_review": common.date_column(t("priv.doc.col.next_review")),
                                        "note": t("priv.field.note")})
        else:
            common.empty_state("priv.doc.no_approvals")
