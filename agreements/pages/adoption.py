from datetime import date

import pandas as pd
import plotly.express as px
import streamlit as st

from agreements import adoption
from agreements.appendices import OrganisationContact
from agreements.exports import contacts_workbook
from agreements.pages.widgets import pick_service, status_label, xlsx_button
from data.formatting import number, percent
from data.i18n import t
from data.pages import common

actor = common.require_actor()
common.header("agr.page.adoption", "agr.adoption.intro")

on_date = st.date_input(t("agr.adoption.on_date"), date.today(), format="DD.MM.YYYY",
                        help=t("agr.adoption.on_date_help"))

# --- across services ------------------------------------------------------------------------------
st.header(t("agr.adoption.overview"))
overview = pd.DataFrame(common.cached(adoption.adoption_by_service, on_date))
if overview.empty or overview["municipalities"].sum() + overview["county_municipalities"].sum() == 0:
    common.empty_state("agr.adoption.empty")
else:
    overview = overview.sort_values("municipality_share", ascending=False)
    chart = px.bar(overview, x="service", y=overview["municipality_share"] * 100,
                   labels={"service": t("agr.col.service"), "y": t("agr.adoption.share_axis")},
                   title=t("agr.adoption.overview_chart", date=on_date.strftime("%d.%m.%Y")))
    chart.update_yaxes(range=[0, 100], ticksuffix=" %")
    st.plotly_chart(chart, width="stretch")
    st.dataframe(
        overview[["service", "municipalities", "municipality_share", "county_municipalities",
                  "county_municipality_share", "population", "population_share"]].assign(
            municipality_share=overview["municipality_share"] * 100,
            county_municipality_share=overview["county_municipality_share"] * 100,
            population_share=overview["population_share"] * 100),
        hide_index=True, width="stretch",
        column_config={
            "service": t("agr.col.service"),
            "municipalities": st.column_config.NumberColumn(t("agr.adoption.municipalities")),
            "municipality_share": st.column_config.ProgressColumn(t("agr.adoption.municipality_share"),
                                                                  format="%.1f %%", min_value=0, max_value=100),
            "county_municipalities": st.column_config.NumberColumn(t("agr.adoption.county_municipalities")),
            "county_municipality_share": st.column_config.NumberColumn(t("agr.adoption.county_share"),
                                                                       format="%.1f %%"),
            "population": st.column_config.NumberColumn(t("agr.adoption.population"), format="localized"),
            "population_share": st.column_config.ProgressColumn(t("agr.adoption.population_share"),
                                                                format="%.1f %%", min_value=0, max_value=100),
        })

# --- one service ----------------------------------------------------------------------------------
st.divider()
code = pick_service(actor, "adoption-service")
if code is None:
    common.empty_state("agr.adoption.no_services")
    st.stop()
row = next((r for r in common.cached(adoption.adoption_by_service, on_date, True) if r["service_code"] == code), None)
if row is not None:
    k1, k2, k3, k4 = st.columns(4)
    k1.metric(t("agr.adoption.municipalities"), f"{number(row['municipalities'])} / {number(row['municipalities_total'])}",
              border=True)
    k2.metric(t("agr.adoption.municipality_share"), percent(row["municipality_share"]), border=True)
    k3.metric(t("agr.adoption.population_share"), percent(row["population_share"]),
              help=t("agr.adoption.population_help", population=number(row["population"])), border=True)
    k4.metric(t("agr.adoption.county_municipalities"),
              f"{number(row['county_municipalities'])} / {number(row['county_municipalities_total'])}", border=True)
own = common.cached(adoption.own_assessments_by_service, on_date).get(code)
if own:
    st.caption(t("agr.adoption.own_assessments", ros=number(own["ros"]), dpia=number(own["dpia"]),
                 total=number(own["adopters"])))

trend = pd.DataFrame(common.cached(adoption.adoption_trend, code))
if trend.empty:
    common.empty_state("agr.adoption.no_trend")
else:
    chart = px.line(trend, x="day", y=["municipalities", "county_municipalities"], markers=True,
                    title=t("agr.adoption.trend_title", service=row["service"] if row else code),
                    labels={"day": t("agr.adoption.quarter_end"), "value": t("agr.adoption.organisations_axis"),
                            "variable": ""})
    chart.for_each_trace(lambda tr: tr.update(name=t(f"agr.adoption.{tr.name}")))
    st.plotly_chart(chart, width="stretch")

by_county = pd.DataFrame(common.cached(adoption.adoption_by_county, code, on_date))
st.header(t("agr.adoption.by_county"))
if by_county.empty:
    common.empty_state("agr.adoption.empty")
else:
    chart = px.bar(by_county, x="name", y=by_county["municipality_share"] * 100,
                   hover_data={"municipalities": True, "municipalities_total": True},
                   labels={"name": t("agr.county"), "y": t("agr.adoption.share_axis"),
                           "municipalities": t("agr.adoption.municipalities"),
                           "municipalities_total": t("agr.adoption.municipalities_total")},
                   title=t("agr.adoption.county_chart"))
    chart.update_yaxes(range=[0, 100], ticksuffix=" %")
    st.plotly_chart(chart, width="stretch")
    st.dataframe(
        by_county.assign(municipality_share=by_county["municipality_share"] * 100,
                         population_share=by_county["population_share"] * 100)[
            ["number", "name", "municipalities", "municipalities_total", "municipality_share", "population",
             "population_total", "population_share", "county_municipality"]],
        hide_index=True, width="stretch",
        column_config={
            "number": t("agr.adoption.county_number"), "name": t("agr.county"),
            "municipalities": st.column_config.NumberColumn(t("agr.adoption.municipalities")),
            "municipalities_total": st.column_config.NumberColumn(t("agr.adoption.municipalities_total")),
            "municipality_share": st.column_config.ProgressColumn(t("agr.adoption.municipality_share"),
                                                                  format="%.1f %%", min_value=0, max_value=100),
            "population": st.column_config.NumberColumn(t("agr.adoption.population"), format="localized"),
            "population_total": st.column_config.NumberColumn(t("agr.adoption.population_total"), format="localized"),
            "population_share": st.column_config.NumberColumn(t("agr.adoption.population_share"), format="%.1f %%"),
            "county_municipality": st.column_config.CheckboxColumn(t("agr.adoption.county_municipality_uses")),
        })

st.header(t("agr.adoption.non_adopters"))
st.caption(t("agr.adoption.non_adopters_help"))
missing = common.cached(adoption.non_adopters, code, on_date)
if not missing:
    st.success(t("agr.adoption.everyone"))
else:
    frame = pd.DataFrame(missing)
    st.caption(t("agr.adoption.non_adopters_count", count=number(len(frame))))
    st.dataframe(
        frame.assign(kind=frame["kind"].map(lambda k: t(f"org.kind.{k}")),
                     main_status=frame["main_status"].map(status_label)).drop(columns=["id"]),
        hide_index=True, width="stretch",
        column_config={"org_number": t("agr.col.org_number"), "name": t("agr.col.organisation"),
                       "kind": t("agr.kind"), "county": t("agr.county"),
                       "population": st.column_config.NumberColumn(t("agr.population"), format="localized"),
                       "contact_email": t("agr.contact_email"), "main_status": t("agr.col.main_status")})
    contacts = [OrganisationContact(r["id"], r["org_number"], r["name"], r["kind"], None, r["population"],
                                    r["contact_email"]) for r in missing]
    xlsx_button("ui.download_excel", contacts_workbook(t("agr.adoption.non_adopters"), contacts),
                f"ikke-brukere-{code}.xlsx")
