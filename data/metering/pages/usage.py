"""Usage (metering): per service, organisation and month; top users; month-over-month; late events;
meters, batches (and loading an event file) and API keys. Reads roll-ups only."""
import hashlib
import re
import tempfile
from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

from data.formatting import number
from data.i18n import t
from data.metering import exports
from data.metering import usage as metering
from data.metering.ingest import BatchRejected
from data.pages import common
from data.registers.registry import organisation_choices

actor = common.require_actor()
common.header("meter.page_title", "meter.page_intro")
can_write = actor.can("metering.write")      # admin and finance: the same doors as `backoffice meter ...`
SHOWN_REJECTIONS = 50                         # the first rejected events listed on the page
FORMATS = (None, "jsonl", "csv")              # the formats `backoffice meter ingest` reads (None: by the name)

with common.session() as session:
    meters = [(m.code, m.name, m.service.code, m.unit) for m in metering.list_meters(session)]
    months = metering.usage_months(session)
    services = sorted({m[2] for m in meters})
service_labels = common.service_names()

if not meters:
    common.empty_state("meter.no_meters")
meter_names = {code: f"{name} ({service_labels.get(service, service)})" for code, name, service, _unit in meters}
units = {code: unit for code, _name, _service, unit in meters}


def closable_months() -> list:
    """Months that may be closed for invoicing, the latest first: from the first month with usage (or a year
    back) to last month, less those already closed."""
    last = metering.add_months(metering.current_month(), -1)
    first = min([*months[:1], metering.add_months(last, -11)])
    closed = {row["month"] for row in common.cached(metering.closed_months)}
    found, month = [], last
    while month >= first:
        if month not in closed:
            found.append(month)
        month = metering.add_months(month, -1)
    return found


def upload_name(name: str) -> str:
    """The uploaded file's own name (it is the batch's name and tells its format), safe as a file name."""
    cleaned = re.sub(r"[^\w.\-]+", "_", Path(name or "").name).strip("._")[:120]
    return cleaned or "hendelser.jsonl"


def ingest_upload(fn, content: bytes, name: str, fmt: str | None, success: str | None = None):
    """`fn` (metering.ingest_file, the door `backoffice meter ingest` uses) on the uploaded file, written to a
    temporary folder under its own name. All or nothing: a rejected file shows how many events were accepted
    (none) and the first rejected events by line and field; any other failure a plain message."""
    try:
        with tempfile.TemporaryDirectory(prefix="backoffice-upload-") as folder:
            path = Path(folder) / name
            path.write_bytes(content)
            with st.spinner(t("meter.upload_running")), common.session() as session:
                result = fn(session, actor, path, fmt=fmt)
    except BatchRejected as rejected:
        show_rejected(rejected)
        return None
    except Exception as error:  # the error boundary: plain language, the detail logged under an error id
        common.show_error(error, where="page meter upload")
        return None
    st.session_state["meter-upload-result"] = {"name": name, "batch": result.batch_id, "accepted": result.accepted,
                                               "duplicates": result.duplicates, "late": result.late,
                                               "resumed": result.resumed_at}
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result


def show_rejected(rejected: BatchRejected) -> None:
    result = rejected.result
    st.error(rejected.message.splitlines()[0])
    saved = result.accepted if result.partial else 0     # the checked events that passed were not saved either
    st.markdown(t("meter.upload_counts_rejected", accepted=number(saved), rejected=number(result.rejected),
                  total=number(result.received), duplicates=number(result.duplicates)))
    rows = pd.DataFrame([{"row": r.index, "field": r.field or "–", "id": r.event_id or "–", "reason": r.reason}
                         for r in result.rejections[:SHOWN_REJECTIONS]])
    if not rows.empty:
        if result.rejected > len(rows):
            st.caption(t("meter.upload_first_rejected", shown=number(len(rows)), count=number(result.rejected)))
        st.dataframe(rows, hide_index=True, width="stretch", column_config={
            "row": common.integer_column(t("meter.upload_row")), "field": t("meter.upload_field"),
            "id": t("meter.upload_event_id"), "reason": st.column_config.TextColumn(t("meter.upload_reason"),
                                                                                   width="large")})


def create_key(session, actor, source: str, service: str | None, label: str) -> dict:
    """metering.create_api_key (as `backoffice meter keys add`): the secret goes back once, to be shown once."""
    row, key = metering.create_api_key(session, actor, source, service, label)
    return {"source": row.source, "prefix": row.prefix, "key": key}


tabs = st.tabs([t("meter.tab_usage"), t("meter.tab_top"), t("meter.tab_change"), t("meter.tab_late"),
                t("meter.tab_meters")])

# --- usage per month ----------------------------------------------------------------------------
with tabs[0]:
    if not months:
        common.empty_state("meter.no_usage")
    else:
        first_default = months[max(0, len(months) - 12)]
        c1, c2, c3, c4, c5 = st.columns([2, 3, 3, 2, 2])
        service = c1.selectbox(t("meter.service"), [None, *services],
                               format_func=lambda s: t("ui.all") if s is None else service_labels.get(s, s),
                               key="usage_service")
        choices = [m[0] for m in meters if service is None or m[2] == service]
        meter = c2.selectbox(t("meter.meter"), [None, *choices], key="usage_meter",
                             format_func=lambda m: t("ui.all") if m is None else meter_names[m])
        with common.session() as session:
            organisations = organisation_choices(session)
        org_names = dict(organisations)
        organisation = c3.selectbox(t("meter.organisation"), [None, *org_names], key="usage_org",
                                    format_func=lambda o: t("meter.all_organisations") if o is None else org_names[o])
        start = c4.selectbox(t("meter.from_month"), months, index=months.index(first_default),
                             format_func=metering.month_label, key="usage_start")
        end = c5.selectbox(t("meter.to_month"), months, index=len(months) - 1, format_func=metering.month_label,
                           key="usage_end")
        if end < start:
            st.error(t("error.end_before_start"))
        else:
            totals = pd.DataFrame(common.cached(metering.monthly_totals, service, meter, start, end, organisation))
            if totals.empty:
                common.empty_state("meter.no_usage_filtered")
            else:
                totals["meter_label"] = totals["meter"].map(meter_names)
                # one chart per unit, the meters side by side: calls and messages are never added up
                for unit, part in totals.groupby("unit", sort=True):
                    figure = px.bar(part, x="month", y="quantity", color="meter_label", barmode="group",
                                    title=f"{t('meter.chart_usage_title')} – {unit}",
                                    labels={"month": t("meter.month"), "quantity": t("meter.quantity_unit", unit=unit),
                                            "meter_label": t("meter.meter")})
                    figure.update_layout(legend_title_text=t("meter.meter"))
                    st.plotly_chart(figure, width="stretch", key=f"usage-chart-{unit}")
                totals["service_name"] = totals["service"].map(lambda c: service_labels.get(c, c))
                st.dataframe(
                    totals[["meter_label", "month", "quantity", "unit", "events", "late", "organisations",
                            "service_name"]],
                    hide_index=True, width="stretch",
                    column_config={
                        "month": st.column_config.DateColumn(t("meter.month"), format="MM.YYYY"),
                        "service_name": t("meter.service"), "meter_label": t("meter.meter"),
                        "unit": t("meter.unit"),
                        "quantity": st.column_config.NumberColumn(t("meter.quantity"), format="localized"),
                        "events": st.column_config.NumberColumn(t("meter.events"), format="localized"),
                        "late": st.column_config.NumberColumn(t("meter.late_quantity"), format="localized",
                                                              help=t("meter.late_help")),
                        "organisations": st.column_config.NumberColumn(t("meter.organisations"),
                                                                       format="localized"),
                    },
                )
                st.download_button(t("meter.download_csv"),
                                   common.csv_bytes(totals.drop(columns=["meter_label", "service_name"])),
                                   "forbruk-per-maned.csv", mime="text/csv", icon=":material/download:")
                if st.toggle(t("meter.prepare_excel"), help=t("meter.prepare_excel_help"), key="usage_excel"):
                    detail = common.cached(metering.usage_by_month, meter, service, start, end, organisation)
                    st.download_button(t("meter.download_excel", count=len(detail)),
                                       exports.usage_workbook(detail), "forbruk.xlsx", icon=":material/download:",
                                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# --- top users ----------------------------------------------------------------------------------
with tabs[1]:
    if not months or not meters:
        common.empty_state("meter.no_usage")
    else:
        c1, c2, c3 = st.columns([3, 2, 2])
        meter = c1.selectbox(t("meter.meter"), [m[0] for m in meters], format_func=meter_names.get, key="top_meter")
        start = c2.selectbox(t("meter.from_month"), months, index=max(0, len(months) - 12),
                             format_func=metering.month_label, key="top_start")
        end = c3.selectbox(t("meter.to_month"), months, index=len(months) - 1, format_func=metering.month_label,
                           key="top_end")
        top = pd.DataFrame(common.cached(metering.top_users, meter, start, end, 20))
        if top.empty or end < start:
            common.empty_state("meter.no_usage_filtered")
        else:
            figure = px.bar(top.iloc[::-1], x="quantity", y="organisation", orientation="h",
                            title=t("meter.chart_top_title", meter=meter_names[meter]),
                            labels={"quantity": t("meter.quantity_unit", unit=units[meter]),
                                    "organisation": t("meter.organisation")})
            st.plotly_chart(figure, width="stretch")
            st.dataframe(top[["organisation", "quantity", "share", "per_1000_inhabitants", "org_number",
                              "municipality_number"]], hide_index=True, width="stretch", column_config={
                "organisation": t("meter.organisation"), "org_number": t("meter.org_number"),
                "municipality_number": t("meter.municipality_number"),
                "quantity": st.column_config.NumberColumn(t("meter.quantity"), format="localized"),
                "share": st.column_config.NumberColumn(t("meter.share"), format="percent"),
                "per_1000_inhabitants": st.column_config.NumberColumn(t("meter.per_1000"), format="%.1f"),
            })

# --- month over month ---------------------------------------------------------------------------
with tabs[2]:
    if len(months) < 2 or not meters:
        common.empty_state("meter.no_change")
    else:
        c1, c2 = st.columns([3, 2])
        meter = c1.selectbox(t("meter.meter"), [m[0] for m in meters], format_func=meter_names.get,
                             key="change_meter")
        month = c2.selectbox(t("meter.month"), months[1:], index=len(months) - 2, format_func=metering.month_label,
                             key="change_month")
        change = pd.DataFrame(common.cached(metering.month_over_month, meter, month))
        if change.empty:
            common.empty_state("meter.no_usage_filtered")
        else:
            st.caption(t("meter.change_caption", month=metering.month_label(month),
                         previous=metering.month_label(metering.add_months(month, -1))))
            biggest = change.head(15)
            figure = px.bar(biggest.iloc[::-1], x="change", y="organisation", orientation="h",
                            title=t("meter.chart_change_title"),
                            labels={"change": t("meter.change_unit", unit=units[meter]),
                                    "organisation": t("meter.organisation")})
            st.plotly_chart(figure, width="stretch")
            st.dataframe(change[["organisation", "change", "change_pct", "previous", "current", "org_number"]],
                         hide_index=True, width="stretch", column_config={
                "organisation": t("meter.organisation"), "org_number": t("meter.org_number"),
                "previous": st.column_config.NumberColumn(t("meter.previous_month"), format="localized"),
                "current": st.column_config.NumberColumn(t("meter.this_month"), format="localized"),
                "change": st.column_config.NumberColumn(t("meter.change"), format="localized"),
                "change_pct": st.column_config.NumberColumn(t("meter.change_pct"), format="percent"),
            })

# --- late events --------------------------------------------------------------------------------
with tabs[3]:
    st.caption(t("meter.late_intro"))
    late = pd.DataFrame(common.cached(metering.late_usage))
    if late.empty:
        common.empty_state("meter.no_late")
    else:
        late["meter"] = late["meter"].map(lambda m: meter_names.get(m, m))
        late["service"] = late["service"].map(lambda c: service_labels.get(c, c))
        st.dataframe(late[["organisation", "late_quantity", "late_events", "quantity", "month", "meter", "unit",
                           "service", "org_number"]], hide_index=True, width="stretch", column_config={
            "month": st.column_config.DateColumn(t("meter.month"), format="MM.YYYY"),
            "service": t("meter.service"), "meter": t("meter.meter"), "unit": t("meter.unit"),
            "organisation": t("meter.organisation"), "org_number": t("meter.org_number"),
            "late_quantity": st.column_config.NumberColumn(t("meter.late_quantity"), format="localized"),
            "late_events": st.column_config.NumberColumn(t("meter.late_events"), format="localized"),
            "quantity": st.column_config.NumberColumn(t("meter.quantity_total"), format="localized"),
        })
    st.subheader(t("meter.closed_months"))
    closed = pd.DataFrame(common.cached(metering.closed_months))
    if closed.empty:
        common.empty_state("meter.no_closed")
    else:
        closed["month"] = closed["month"].map(metering.month_label)
        closed = common.with_names(closed, persons=("closed_by",))
        st.dataframe(closed, hide_index=True, width="stretch", column_config={
            "month": t("meter.month"), "closed_at": common.datetime_column(t("meter.closed_at")),
            "closed_by": t("meter.closed_by")})
    if can_write:
        closable = closable_months()
        if not closable:
            st.caption(t("meter.nothing_to_close"))
        else:
            with st.form(common.form_key("close-month")):
                month = st.selectbox(t("meter.close_month_label"), closable, format_func=metering.month_label,
                                     help=t("meter.close_month_help"))   # the latest month not closed first
                closing = st.form_submit_button(t("meter.close_month_button"))
            if closing and common.save_once("close-month", {"month": month}, metering.close_month, month,
                                            success=t("meter.month_closed", month=metering.month_label(month))):
                st.rerun()

# --- meters, batches, keys ----------------------------------------------------------------------------
with tabs[4]:
    rows = pd.DataFrame(common.cached(metering.meter_rows))
    if rows.empty:
        common.empty_state("meter.no_meters")
    else:
        rows["service"] = rows["service"].map(lambda c: service_labels.get(c, c))
        rows["aggregation"] = rows["aggregation"].map(lambda a: t(f"meter.aggregation_{a}"))
        st.dataframe(rows[["name", "events", "last_month", "service", "unit", "code", "aggregation", "active",
                           "description"]], hide_index=True, width="stretch", column_config={
            "code": t("meter.code"), "name": t("meter.name"), "service": t("meter.service"),
            "unit": t("meter.unit"), "aggregation": t("meter.aggregation"),
            "active": st.column_config.CheckboxColumn(t("meter.active")), "description": t("meter.description"),
            "events": st.column_config.NumberColumn(t("meter.events"), format="localized"),
            "last_month": st.column_config.DateColumn(t("meter.last_month"), format="MM.YYYY"),
        })
    if can_write:
        if rows.empty and st.button(t("meter.load_defaults"), help=t("meter.load_defaults_help"),
                                    icon=":material/playlist_add:"):
            if common.write(metering.load_default_meters, success=t("ui.saved")):
                st.rerun()
        with st.expander(t("meter.add_meter"), expanded=rows.empty), st.form(common.form_key("add-meter")):
            c1, c2 = st.columns(2)
            code = c1.text_input(t("meter.code"), help=t("meter.code_help"))
            service = c2.selectbox(t("meter.service"), list(service_labels), format_func=service_labels.get)
            name = c1.text_input(t("meter.name"))
            unit = c2.text_input(t("meter.unit"), help=t("meter.unit_help"))
            aggregation = c1.selectbox(t("meter.aggregation"), ["sum", "count"],
                                       format_func=lambda a: t(f"meter.aggregation_{a}"))
            description = c2.text_input(t("meter.description"))
            if st.form_submit_button(t("meter.add_meter_button"), type="primary"):
                payload = {"code": code, "service": service, "name": name, "unit": unit,
                           "aggregation": aggregation, "description": description}
                if common.save_once("add-meter", payload, metering.create_meter, payload, success=t("ui.saved")):
                    st.rerun()

    st.subheader(t("meter.batches"))
    batches = pd.DataFrame(common.cached(metering.recent_batches, 50))
    if can_write:
        with st.expander(t("meter.upload_title"), icon=":material/upload_file:", expanded=batches.empty):
            st.caption(t("meter.upload_help"))
            last = st.session_state.get("meter-upload-result")
            if last:
                st.success(t("meter.upload_done", name=last["name"], batch=last["batch"],
                             accepted=number(last["accepted"]), duplicates=number(last["duplicates"]),
                             late=number(last["late"])))
                if last["resumed"]:
                    st.info(t("meter.upload_resumed", batch=last["batch"], count=number(last["resumed"])))
            with st.form(common.form_key("meter-upload")):
                upload = st.file_uploader(t("meter.upload_file"), type=["jsonl", "ndjson", "json", "csv"],
                                          help=t("meter.upload_file_help"))
                fmt = st.selectbox(t("meter.upload_format"), FORMATS,
                                   format_func=lambda f: t(f"meter.upload_format_{f or 'auto'}"))
                sent = st.form_submit_button(t("meter.upload_button"), type="primary", icon=":material/upload:")
            if sent and upload is None:
                st.error(t("meter.upload_no_file"))
            elif sent:
                content = upload.getvalue()
                name = upload_name(upload.name)
                fingerprint = {"file": hashlib.sha256(content).hexdigest(), "name": name, "format": fmt}
                if common.save_once("meter-upload", fingerprint, metering.ingest_file, content, name, fmt,
                                    writer=ingest_upload, success=t("meter.upload_saved")):
                    st.rerun()
    if batches.empty:
        common.empty_state("meter.no_batches")
    else:
        batches = common.with_names(batches, persons=("actor",))
        st.dataframe(batches[["id", "received_at", "filename", "source", "status", "accepted", "duplicates", "late",
                              "received", "total_events", "chunks_done", "channel", "actor", "updated_at"]],
                     hide_index=True, width="stretch", column_config={
            "id": common.integer_column(t("meter.batch")), "received_at": common.datetime_column(t("meter.received_at")),
            "channel": t("meter.channel"), "source": t("meter.source"), "actor": t("meter.actor"),
            "filename": t("meter.filename"), "status": t("meter.batch_status"),
            "received": st.column_config.NumberColumn(t("meter.received_events"), format="localized"),
            "total_events": st.column_config.NumberColumn(t("meter.total_events"), format="localized"),
            "chunks_done": st.column_config.NumberColumn(t("meter.chunks_done"), format="localized"),
            "updated_at": common.datetime_column(t("meter.updated_at")),
            "accepted": st.column_config.NumberColumn(t("meter.accepted"), format="localized"),
            "duplicates": st.column_config.NumberColumn(t("meter.duplicates"), format="localized"),
            "late": st.column_config.NumberColumn(t("meter.late_events"), format="localized"),
        })

    if can_write:
        st.subheader(t("meter.keys"))
        st.caption(t("meter.keys_help"))
        fresh = st.session_state.pop("meter-new-key", None)     # the secret: shown in this run only, never again
        if fresh:
            st.success(t("meter.key_created", source=fresh["source"], prefix=fresh["prefix"]),
                       icon=":material/key:")
            st.code(fresh["key"], language=None)
            st.warning(t("meter.key_copy_hint"), icon=":material/content_copy:")
        key_rows = common.cached(metering.api_key_rows)
        if not key_rows:
            common.empty_state("meter.keys_empty")
        else:
            keys = common.with_names(pd.DataFrame(key_rows), persons=("created_by",))
            keys["state"] = keys["revoked_at"].map(lambda r: t("meter.key_active") if pd.isna(r)
                                                   else t("meter.key_revoked"))
            keys["service"] = keys["service"].map(lambda c: service_labels.get(c, c) if isinstance(c, str) else None)
            st.dataframe(keys[["source", "state", "service", "prefix", "label", "created_at", "created_by",
                               "revoked_at"]], hide_index=True, width="stretch", column_config={
                "prefix": t("meter.key_prefix"), "source": t("meter.source"), "service": t("meter.service"),
                "state": t("meter.key_state"), "label": t("meter.key_label"),
                "created_at": common.datetime_column(t("meter.created_at")), "created_by": t("meter.created_by"),
                "revoked_at": common.datetime_column(t("meter.revoked_at")),
            })
        with st.expander(t("meter.key_new"), icon=":material/key:", expanded=not key_rows):
            with st.form(common.form_key("meter-key")):
                c1, c2 = st.columns(2)
                source = c1.text_input(t("meter.source"), help=t("meter.key_source_help"))
                key_service = c2.selectbox(t("meter.service"), [None, *service_labels],
                                           format_func=lambda c: t("meter.key_service_from_source") if c is None
                                           else service_labels[c], help=t("meter.key_service_help"))
                label = st.text_input(t("meter.key_label"), help=t("meter.key_label_help"))
                made = st.form_submit_button(t("meter.key_create"), type="primary", icon=":material/key:")
            if made:
                payload = {"source": source, "service": key_service, "label": label}
                created = common.save_once("meter-key", payload, create_key, source, key_service, label,
                                           success=t("meter.key_created_toast"))
                if created:
                    st.session_state["meter-new-key"] = created
                    st.rerun()
        active = {r["prefix"]: r for r in key_rows if r["revoked_at"] is None}
        if active:
            prefix = st.selectbox(t("meter.key_revoke_choose"), list(active), index=None, key="meter-revoke-pick",
                                  format_func=lambda p: f"{active[p]['source']} · {p}"
                                                        + (f" · {active[p]['label']}" if active[p]["label"] else ""))
            if prefix is not None and common.confirmed_button(
                    t("meter.key_revoke_confirm", source=active[prefix]["source"], prefix=prefix),
                    t("meter.key_revoke"), key=f"meter-revoke-{prefix}", icon=":material/key_off:"):
                if common.write(metering.revoke_api_key, prefix, success=t("meter.key_revoked_toast")):
                    st.rerun()
