import pandas as pd
import plotly.express as px
import streamlit as st

from data.i18n import t
from data.pages import common
from portfolio.digiorden import analysis as digiorden_analysis
from portfolio.digiorden.pages.widgets import percent_text

actor = common.require_actor()
common.header("do.page.sector", "do.sector.intro")

summary = common.cached(digiorden_analysis.sector_summary)
if not summary["organisations"]:
    common.empty_state("do.sector.empty")
    st.stop()

cols = st.columns(6)
cols[0].metric(t("do.kpi.organisations"), summary["organisations"])
cols[1].metric(t("do.kind.systems"), summary["systems"])
cols[2].metric(t("do.kind.vendors"), summary["vendors"], help=t("do.sector.vendors_help"))
cols[3].metric(t("do.kind.datasets"), summary["datasets"])
cols[4].metric(t("do.sector.sensitive"), summary["sensitive_datasets"], help=t("do.sector.sensitive_help"))
cols[5].metric(t("do.sector.platform_integrations"), summary["platform_integrations"])

text = st.column_config.TextColumn
count = st.column_config.NumberColumn
tabs = st.tabs([t("do.sector.systems"), t("do.sector.vendors"), t("do.sector.concentration"),
                t("do.sector.platform"), t("do.sector.organisations")])

with tabs[0]:
    limit = st.slider(t("do.sector.limit"), 5, 50, 15, key="do_sector_limit")
    rows = common.cached(digiorden_analysis.top_systems, limit)
    frame = pd.DataFrame(rows)
    fig = px.bar(frame.iloc[::-1], x="organisations", y="product", orientation="h",
                 title=t("do.sector.systems_chart"),
                 labels={"organisations": t("do.sector.organisations_axis"), "product": t("do.col.product")})
    st.plotly_chart(fig, width="stretch")
    st.dataframe(frame[["product", "organisations", "vendor", "systems", "areas"]], hide_index=True, width="stretch",
                 column_config={
        "product": text(t("do.col.product")), "vendor": text(t("do.col.vendor")),
        "organisations": count(t("do.sector.organisations_count"), format="%d"),
        "systems": count(t("do.kind.systems"), format="%d"), "areas": text(t("do.kind.areas")),
    })

with tabs[1]:
    rows = common.cached(digiorden_analysis.top_vendors, 30)
    frame = pd.DataFrame(rows).drop(columns=["vendor_key"])
    fig = px.bar(frame.iloc[::-1], x="organisations", y="vendor", orientation="h", title=t("do.sector.vendors_chart"),
                 labels={"organisations": t("do.sector.organisations_axis"), "vendor": t("do.col.vendor")})
    st.plotly_chart(fig, width="stretch")
    st.dataframe(frame[["vendor", "organisations", "systems", "org_number"]], hide_index=True, width="stretch",
                 column_config={
        "vendor": text(t("do.col.vendor")), "org_number": text(t("do.col.org_number")),
        "organisations": count(t("do.sector.organisations_count"), format="%d"),
        "systems": count(t("do.kind.systems"), format="%d"),
    })

with tabs[2]:
    st.caption(t("do.sector.concentration_help"))
    rows = common.cached(digiorden_analysis.vendor_concentration)
    if not rows:
        common.empty_state("do.sector.no_concentration")
    else:
        frame = pd.DataFrame([{k: r[k] for k in ("area_label", "top_share", "top_vendor", "vendors", "hhi")}
                              for r in rows])
        frame["top_share"] = frame["top_share"] * 100
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "area_label": text(t("do.col.area")), "vendors": count(t("do.sector.vendor_count"), format="%d"),
            "top_vendor": text(t("do.sector.top_vendor")),
            "top_share": st.column_config.ProgressColumn(t("do.sector.top_share"), format="%.0f %%",
                                                         min_value=0, max_value=100),
            "hhi": count(t("do.sector.hhi"), format="%d", help=t("do.sector.hhi_help")),
        })
        shares = pd.DataFrame([{"area": r["area_label"], "vendor": s["vendor"], "share": s["share"] * 100}
                               for r in rows for s in r["shares"]])
        fig = px.bar(shares, x="share", y="area", color="vendor", orientation="h",
                     title=t("do.sector.concentration_chart"),
                     labels={"share": t("do.sector.share_axis"), "area": t("do.col.area"),
                             "vendor": t("do.col.vendor")})
        st.plotly_chart(fig, width="stretch")

with tabs[3]:
    rows = common.cached(digiorden_analysis.platform_usage)
    if not rows:
        common.empty_state("do.sector.no_platform")
    else:
        frame = pd.DataFrame(rows)
        # one row per organisation id; namesakes (two Herøy) told apart by their municipality number
        shared = frame.groupby("organisation")["organisation_id"].transform("nunique") > 1
        frame.loc[shared, "organisation"] = (frame.loc[shared, "organisation"] + " ("
                                             + frame.loc[shared, "municipality_number"].fillna("?") + ")")
        pivot = frame.pivot_table(index="organisation", columns="service_name", values="integrations",
                                  aggfunc="sum", fill_value=0)
        fig = px.imshow(pivot, text_auto=True, aspect="auto", color_continuous_scale="Blues",
                        title=t("do.sector.platform_chart"),
                        labels={"x": t("do.sector.service_axis"), "y": t("do.sector.organisation_axis"),
                                "color": t("do.kind.integrations")})
        st.plotly_chart(fig, width="stretch")
        per_service = (frame.groupby("service_name").agg(organisations=("organisation_id", "nunique"),
                                                         integrations=("integrations", "sum"))
                       .reset_index().sort_values("organisations", ascending=False))
        st.dataframe(per_service, hide_index=True, width="stretch", column_config={
            "service_name": text(t("do.col.to_service")),
            "organisations": count(t("do.sector.organisations_count"), format="%d"),
            "integrations": count(t("do.kind.integrations"), format="%d"),
        })

with tabs[4]:
    rows = common.cached(digiorden_analysis.sector_completeness)
    frame = pd.DataFrame(rows)
    frame["score_text"] = frame["score"].map(percent_text)
    frame["score"] = frame["score"].fillna(0) * 100
    st.dataframe(frame[["name", "score", "gaps", "systems", "datasets", "integrations", "vendors", "population",
                        "municipality_number"]], hide_index=True, width="stretch", column_config={
        "name": text(t("do.ui.organisation")), "municipality_number": text(t("do.about.municipality_number")),
        "population": count(t("do.sector.population"), format="localized"),
        "systems": count(t("do.kind.systems"), format="%d"), "datasets": count(t("do.kind.datasets"), format="%d"),
        "integrations": count(t("do.kind.integrations"), format="%d"),
        "vendors": count(t("do.kind.vendors"), format="%d"),
        "score": st.column_config.ProgressColumn(t("do.ui.completeness"), format="%.0f %%", min_value=0,
                                                 max_value=100),
        "gaps": count(t("do.sector.gap_count"), format="%d"),
    })
