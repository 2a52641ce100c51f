"""Usage (metering): per service, organisation and month; top users; month-over-month; late events;
meters, batches and API keys. Reads roll-ups only."""
import pandas as pd
import plotly.express as px
import streamlit as st

from data.crud import service_choices
from data.i18n import t
from data.metering import exports
from data.metering import usage as metering
from data.pages import common
from data.registers.registry import organisation_choices

actor = common.require_actor()
common.header("meter.page_title", "meter.page_intro")
can_write = actor.can("metering.write")

with common.session() as session:
    meters = [(m.code, m.name, m.service.code, m.unit) for m in metering.list_meters(session)]
    months = metering.usage_months(session)
    services = sorted({m[2] for m in meters})

if not meters:
    common.empty_state("meter.no_meters")
meter_names = {code: f"{name} ({service})" for code, name, service, _unit in meters}
units = {code: unit for code, _name, _service, unit in meters}

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
                               format_func=lambda s: t("ui.all") if s is None else s, key="usage_service")
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
                st.dataframe(
                    totals[["month", "service", "meter_label", "unit", "quantity", "events", "late",
                            "organisations"]],
                    hide_index=True, width="stretch",
                    column_config={
                        "month": st.column_config.DateColumn(t("meter.month"), format="MM.YYYY"),
                        "service": t("meter.service"), "meter_label": t("meter.meter"), "unit": t("meter.unit"),
                        "quantity": st.column_config.NumberColumn(t("meter.quantity"), format="localized"),
                        "events": st.column_config.NumberColumn(t("meter.events"), format="localized"),
                        "late": st.column_config.NumberColumn(t("meter.late_quantity"), format="localized",
                                                              help=t("meter.late_help")),
                        "organisations": st.column_config.NumberColumn(t("meter.organisations"),
                                                                       format="localized"),
                    },
                )
                st.download_button(t("meter.download_csv"), common.csv_bytes(totals.drop(columns=["meter_label"])),
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
            st.dataframe(top, hide_index=True, width="stretch", column_config={
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
            st.dataframe(change, hide_index=True, width="stretch", column_config={
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
        st.dataframe(late, hide_index=True, width="stretch", column_config={
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
        st.dataframe(closed, hide_index=True, width="stretch", column_config={
            "month": t("meter.month"), "closed_at": common.datetime_column(t("meter.closed_at")),
            "closed_by": t("meter.closed_by")})
    if can_write:
        with st.form("close_month"):
            month_text = st.text_input(t("meter.close_month_label"), placeholder="2025-01",
                                       help=t("meter.close_month_help"))
            if st.form_submit_button(t("meter.close_month_button")):
                if common.write(metering.close_month, month_text, success=t("ui.saved")):
                    st.rerun()

# --- meters, batches, keys ----------------------------------------------------------------------------
with tabs[4]:
    rows = pd.DataFrame(common.cached(metering.meter_rows))
    if rows.empty:
        common.empty_state("meter.no_meters")
    else:
        st.dataframe(rows.drop(columns=["version"]), hide_index=True, width="stretch", column_config={
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
        with st.expander(t("meter.add_meter"), expanded=rows.empty), st.form("add_meter", clear_on_submit=True):
            c1, c2 = st.columns(2)
            code = c1.text_input(t("meter.code"), help=t("meter.code_help"))
            with common.session() as session:
                all_services = dict(service_choices(session))   # code -> name, by name
            service = c2.selectbox(t("meter.service"), list(all_services), format_func=all_services.get)
            name = c1.text_input(t("meter.name"))
            unit = c2.text_input(t("meter.unit"), help=t("meter.unit_help"))
            aggregation = c1.selectbox(t("meter.aggregation"), ["sum", "count"],
                                       format_func=lambda a: t(f"meter.aggregation_{a}"))
            description = c2.text_input(t("meter.description"))
            if st.form_submit_button(t("meter.add_meter_button"), type="primary"):
                payload = {"code": code, "service": service, "name": name, "unit": unit,
                           "aggregation": aggregation, "description": description}
                if common.write(metering.create_meter, payload, success=t("ui.saved")):
                    st.rerun()
    st.subheader(t("meter.batches"))
    batches = pd.DataFrame(common.cached(metering.recent_batches, 50))
    if batches.empty:
        common.empty_state("meter.no_batches")
    else:
        st.dataframe(batches, hide_index=True, width="stretch", column_config={
            "id": t("meter.batch"), "received_at": common.datetime_column(t("meter.received_at")),
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
        keys = pd.DataFrame(common.cached(metering.api_key_rows))
        if keys.empty:
            common.empty_state("meter.keys_empty")
        else:
            st.dataframe(keys, hide_index=True, width="stretch", column_config={
                "prefix": t("meter.key_prefix"), "source": t("meter.source"), "service": t("meter.service"),
                "label": t("meter.key_label"), "created_at": common.datetime_column(t("meter.created_at")),
                "created_by": t("meter.created_by"), "revoked_at": common.datetime_column(t("meter.revoked_at")),
            })
