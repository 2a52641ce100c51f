from datetime import date, timedelta

import pandas as pd
import streamlit as st

from data.crud import service_choices
from data.i18n import t
from data.pages import common
from data.registers.registry import organisation_choices
from data.support import exports, statistics
from data.support import tickets as support
from data.support.freshdesk import import_tickets
from data.support.models import OPEN_STATUSES, MappingKind, TicketStatus

actor = common.require_actor()
common.header("sup.page.tickets", "sup.tickets.intro")
can_write = actor.can("support.write")
can_mark = can_write or actor.can("risk.write")

with common.session() as session:
    services = dict(service_choices(session))
    organisations = dict(organisation_choices(session, current_only=True))

if can_write:
    with st.expander(t("sup.tickets.import"), icon=":material/upload:"):
        st.caption(t("sup.tickets.import_help"))
        upload = st.file_uploader(t("sup.tickets.import_file"), type=["csv"])
        dry_run = st.checkbox(t("sup.tickets.dry_run"), help=t("sup.cli.help_dry_run"))
        if upload is not None and st.button(t("sup.tickets.import_button"), type="primary"):
            counts = common.write(import_tickets, upload.getvalue(), dry_run=dry_run)
            if counts:
                st.success(t("sup.import.done_dry" if dry_run else "sup.import.done", **counts))

filters = st.columns([2, 2, 2, 2, 3])
chosen_services = filters[0].multiselect(t("sup.field.service"), list(services), format_func=services.get)
statuses = filters[1].multiselect(t("sup.field.status"), [s.value for s in TicketStatus],
                                  default=list(OPEN_STATUSES), format_func=lambda s: t(f"sup.status.{s}"))
start = filters[2].date_input(t("sup.tickets.from"), date.today() - timedelta(days=365), format="DD.MM.YYYY")
end = filters[3].date_input(t("sup.tickets.to"), date.today(), format="DD.MM.YYYY")
search = filters[4].text_input(t("ui.search"), placeholder=t("sup.tickets.search_placeholder"))

rows = common.cached(statistics.ticket_rows, tuple(chosen_services), tuple(statuses), search, start, end)
if not rows:
    common.empty_state("sup.tickets.empty")
else:
    frame = pd.DataFrame(rows)
    frame["status_label"] = frame["status"].map(lambda s: t(f"sup.status.{s}"))
    frame["priority_label"] = frame["priority"].map(lambda p: t(f"sup.priority.{p}"))
    frame["service"] = frame["service"].map(lambda c: services.get(c, c))
    st.caption(t("sup.tickets.count", count=len(frame)))
    st.dataframe(
        frame[["ticket_number", "subject", "organisation", "service", "status_label", "priority_label", "opened_at",
               "resolved_at", "requester_organisation", "agent", "security_incident"]],
        hide_index=True, width="stretch",
        column_config={
            "ticket_number": st.column_config.NumberColumn(t("sup.field.ticket_number"), format="%d"),
            "subject": st.column_config.TextColumn(t("sup.field.subject"), width="large"),
            "status_label": t("sup.field.status"), "priority_label": t("sup.field.priority"),
            "service": t("sup.field.service"), "organisation": t("sup.field.organisation"),
            "requester_organisation": t("sup.field.requester_organisation"),
            "opened_at": common.datetime_column(t("sup.field.opened_at")),
            "resolved_at": common.datetime_column(t("sup.field.resolved_at")),
            "agent": t("sup.field.agent"),
            "security_incident": st.column_config.CheckboxColumn(t("sup.field.security_incident")),
        })
    st.download_button(t("ui.download_excel"), exports.tickets_workbook(rows), "henvendelser.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")

if rows and (can_write or can_mark):
    st.header(t("sup.tickets.one"))
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox(t("sup.tickets.choose"), list(by_id), index=None,
                          format_func=lambda i: f"#{by_id[i]['ticket_number']} · {by_id[i]['subject']}")
    if chosen is not None:
        ticket = by_id[chosen]
        st.caption(t("sup.tickets.tags", tags=ticket["tags"] or "–", org=ticket["requester_organisation"] or "–"))
        if can_write:
            with st.form(f"link-{chosen}-{ticket['version']}"):
                codes = [None, *services]
                c1, c2 = st.columns(2)
                service = c1.selectbox(t("sup.field.service"), codes,
                                       index=codes.index(ticket["service"]) if ticket["service"] in codes else 0,
                                       format_func=lambda c: t("ui.none") if c is None else services[c])
                org_ids = [None, *organisations]
                organisation = c2.selectbox(t("sup.field.organisation"), org_ids,
                                            index=org_ids.index(ticket["organisation_id"])
                                            if ticket["organisation_id"] in org_ids else 0,
                                            format_func=lambda i: t("ui.none") if i is None else organisations[i])
                linked = st.form_submit_button(t("sup.tickets.link"))
            if linked and common.write(support.link_ticket, chosen, {"service_code": service,
                                                                     "organisation_id": organisation},
                                       expected_version=ticket["version"], success=t("ui.saved")):
                st.rerun()
        if ticket["security_incident"]:
            st.warning(t("sup.tickets.is_incident", by=ticket["security_marked_by"] or "–",
                         note=ticket["security_note"] or "–"), icon=":material/shield:")
        elif can_mark:
            with st.form(f"incident-{chosen}-{ticket['version']}"):
                st.markdown(f"**{t('sup.tickets.mark_title')}**")
                st.caption(t("sup.tickets.mark_help"))
                note = st.text_area(t("sup.field.security_note"))
                marked = st.form_submit_button(t("sup.tickets.mark"), type="primary")
            if marked and common.write(support.mark_security_incident, chosen, {"note": note},
                                       expected_version=ticket["version"], success=t("sup.tickets.marked")):
                st.rerun()

st.header(t("sup.mapping.title"))
st.caption(t("sup.mapping.help"))
mappings = common.cached(support.mapping_rows)
if mappings:
    frame = pd.DataFrame(mappings)
    frame["kind"] = frame["kind"].map(lambda k: t(f"sup.mapping.{k}"))
    frame["service"] = frame["service"].map(lambda c: services.get(c, c))
    st.dataframe(frame[["value", "kind", "service", "organisation"]], hide_index=True, width="stretch",
                 column_config={"kind": t("sup.mapping.kind"), "value": t("sup.mapping.value"),
                                "service": t("sup.field.service"), "organisation": t("sup.field.organisation")})
else:
    common.empty_state("sup.mapping.empty")
if can_write:
    with st.form(common.form_key("mapping")):
        c1, c2, c3 = st.columns(3)
        kind = c1.selectbox(t("sup.mapping.kind"), [k.value for k in MappingKind],
                            format_func=lambda k: t(f"sup.mapping.{k}"))
        value = c2.text_input(t("sup.mapping.value"), help=t("sup.mapping.value_help"))
        target_service = c3.selectbox(t("sup.field.service"), [None, *services],
                                      format_func=lambda c: t("ui.none") if c is None else services[c])
        target_org = c3.selectbox(t("sup.field.organisation"), [None, *organisations],
                                  format_func=lambda i: t("ui.none") if i is None else organisations[i])
        added = st.form_submit_button(t("sup.mapping.add"))
    mapping = {"kind": kind, "value": value, "service_code": target_service, "organisation_id": target_org}
    if added and common.save_once("mapping", mapping, support.save_mapping, mapping, success=t("ui.saved")):
        st.rerun()
    actions = st.columns(2)
    if mappings:
        remove = actions[0].selectbox(t("sup.mapping.remove"), [None] + [m["id"] for m in mappings],
                                      format_func=lambda i: "–" if i is None else next(
                                          f"{m['value']} → {services.get(m['service'], m['service']) or m['organisation']}"
                                          for m in mappings if m["id"] == i))
        if remove is not None and actions[0].button(t("sup.mapping.remove_button")) and common.write(
                support.delete_mapping, remove, success=t("ui.saved")):
            st.rerun()
    if actions[1].button(t("sup.mapping.relink"), help=t("sup.mapping.relink_help")):
        counts = common.write(support.relink_all)
        if counts:
            st.success(t("sup.mapping.relinked", **counts))
