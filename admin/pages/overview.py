from urllib.parse import urlencode

import pandas as pd
import plotly.express as px
import streamlit as st
from streamlit.errors import StreamlitAPIException

from admin import approvals, modules
from admin import overview as dashboard_data
from data import db
from data.i18n import get_language, set_language, t
from data.pages import common

actor = common.require_actor()
common.header("page.overview", "overview.intro")

# The leader's approvals queue comes first: what waits for the leader's signature, oldest first.
if approvals.can_see(actor):
    st.header(t("approvals.title"))
    queue = common.cached(approvals.pending, actor)   # every write moves the cache's mark: a decision shows at once
    for area in queue.unavailable:
        st.warning(t("approvals.unavailable", area=area))
    if not queue.items:
        st.success(t("approvals.empty"), icon=":material/done_all:")
    else:
        st.caption(t("approvals.intro") + " " + t("approvals.count", count=len(queue.items)))
        frame = pd.DataFrame(queue.items)
        st.dataframe(
            frame[["kind_label", "title", "age_days", "asked_by_name", "asked_on", "page_title"]],
            hide_index=True, width="stretch",
            column_config={
                "kind_label": t("approvals.col.kind"), "title": t("approvals.col.title"),
                "age_days": st.column_config.NumberColumn(t("approvals.col.age"), format="%d"),
                "asked_by_name": t("approvals.col.asked_by"), "asked_on": common.date_column(t("approvals.col.asked_on")),
                "page_title": t("approvals.col.page"),
            })
        for row in queue.items:
            age = "–" if row["age_days"] is None else t("approvals.age", days=row["age_days"])
            label = f"{row['title']} — {t('approvals.open', page=row['page_title'])}"
            try:
                st.page_link(row["page"], label=label, icon=":material/approval:", query_params=row["query"] or None,
                             help=t("approvals.asked", kind=row["kind_label"], name=row["asked_by_name"], age=age))
            except StreamlitAPIException:  # the page is not in this app's navigation (rendered alone): a plain link
                query = f"?{urlencode(row['query'])}" if row["query"] else ""
                st.markdown(f"[{label}](/{row['url_path'] or ''}{query})")
    st.divider()

# --- everything below the queue: day one, headline figures, charts, every area's key figures ---------------
PAGES = {spec.path: spec for spec in modules.pages()}


def link(path: str, label: str, icon: str = ":material/arrow_forward:", help: str | None = None) -> None:
    """A link to a page of this app; plain text where the user may not open the page."""
    spec = PAGES.get(path)
    if spec is None or not spec.visible_to(actor):
        st.markdown(f"{icon} {label}", help=help)
        return
    try:
        st.page_link(path, label=label, icon=icon, help=help)
    except StreamlitAPIException:  # the page is not in this app's navigation (rendered alone): a plain link
        st.markdown(f"{icon} [{label}](/{spec.url_path or ''})", help=help)


def page_title(path: str) -> str:
    spec = PAGES.get(path)
    return t(spec.title_key) if spec else path


# Day one: the administrator's and the leader's "start here" list, until everything is set up.
if actor.has_role("admin", "leader"):
    steps = common.cached(dashboard_data.setup_steps)
    done = sum(step.done for step in steps)
    if done < len(steps):
        st.header(t("setup.title"))
        st.caption(t("setup.intro", done=done, total=len(steps)))
        for step in steps:
            state = t("setup.done") if step.done else t("setup.todo")
            link(step.page, f"{step.label} ({state.lower()})",
                 ":material/check_circle:" if step.done else ":material/radio_button_unchecked:", help=step.help)
        st.divider()

figures, charts = common.cached(dashboard_data.dashboard)
if figures:
    st.header(t("dash.figures"))
    for start in range(0, len(figures), 4):
        for column, figure in zip(st.columns(4), figures[start:start + 4], strict=False):
            with column:
                unchanged = figure.delta is not None and figure.delta.startswith("±")
                st.metric(figure.label, figure.value, delta=figure.delta, help=figure.help or None, border=True,
                          delta_color="off" if unchanged else figure.delta_color,
                          delta_arrow="off" if unchanged else "auto")
                link(figure.page, page_title(figure.page))


def chart(figure, page: str) -> None:
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})
    link(page, t("dash.open_page", page=page_title(page)))


@st.cache_resource(max_entries=8, show_spinner=False)
def _figures(mark: int, language: str, url: str) -> tuple:
    """The dashboard's charts, built once per data change and language and shared by every visit (plotly express
    builds and checks each figure: 0.2 s a visit), then only read: their layout and Norwegian formats are set
    here, so drawing them changes nothing."""
    set_language(language)
    _, charts = common.cached(dashboard_data.dashboard)
    drawn = []
    if charts.adoption:
        frame = pd.DataFrame(charts.adoption)
        figure = px.line(frame, x="day", y="municipalities", markers=True, title=t("dash.chart_adoption"),
                         labels={"day": t("dash.axis_quarter"), "municipalities": t("dash.axis_municipalities")})
        figure.update_yaxes(rangemode="tozero")
        drawn.append((figure, dashboard_data.PAGE_ADOPTION))
    if charts.coverage:
        frame = pd.DataFrame(charts.coverage)
        frame["coverage_pct"] = frame["coverage_pct"].round(1)
        figure = px.bar(frame, x="coverage_pct", y="service", orientation="h",
                        title=t("dash.chart_coverage", year=charts.coverage_year),
                        labels={"coverage_pct": t("dash.axis_coverage"), "service": t("dash.service")})
        figure.update_traces(marker_color=["#b3261e" if v < 100 else "#1f6f43" for v in frame["coverage_pct"]])
        figure.add_vline(x=100, line_dash="dash", line_color="#333333", annotation_text=t("dash.full_coverage"),
                         annotation_position="top")
        figure.update_xaxes(range=[0, max(110.0, float(frame["coverage_pct"].max()) + 5)])
        drawn.append((figure, dashboard_data.PAGE_ACCOUNTS))
    if charts.risks:
        frame = pd.DataFrame(charts.risks)
        figure = px.bar(frame, x="risks", y="service", orientation="h", title=t("dash.chart_risks"),
                        labels={"risks": t("dash.axis_risks"), "service": t("dash.service")})
        figure.update_traces(marker_color="#b3261e")
        figure.update_xaxes(dtick=1, rangemode="tozero")
        drawn.append((figure, dashboard_data.PAGE_RISKS))
    if charts.capacity:
        frame = pd.DataFrame(charts.capacity)
        frame["balance"] = frame["balance"].round(1)
        frame["state"] = [t("dash.surplus") if v >= 0 else t("dash.deficit") for v in frame["balance"]]
        figure = px.bar(frame, x="month", y="balance", color="state", title=t("dash.chart_capacity"),
                        color_discrete_map={t("dash.surplus"): "#1f6f43", t("dash.deficit"): "#b3261e"},
                        labels={"month": t("dash.axis_month"), "balance": t("dash.axis_balance"), "state": ""})
        figure.add_hline(y=0, line_color="#333333")
        drawn.append((figure, dashboard_data.PAGE_CAPACITY))
    if charts.support:
        frame = pd.DataFrame(charts.support)
        figure = px.bar(frame, x="tickets", y="service", orientation="h",
                        title=t("dash.chart_support", days=charts.support_days),
                        labels={"tickets": t("dash.axis_tickets"), "service": t("dash.service")})
        drawn.append((figure, dashboard_data.PAGE_SUPPORT))
    for figure, _ in drawn:
        # "overlay": one bar per category and trace here, nothing is stacked
        figure.update_layout(height=340, margin={"l": 10, "r": 10, "t": 50, "b": 10}, barmode="overlay")
        common.norwegian_chart(figure)
        figure._backoffice_norwegian = True   # common's plotly_chart leaves it as it is
    return tuple(drawn)


drawn = _figures(common.write_mark(), get_language(), db.settings().database_url)

if drawn:
    st.header(t("dash.charts"))
    for start in range(0, len(drawn), 2):
        for column, (figure, page) in zip(st.columns(2), drawn[start:start + 2], strict=False):
            with column:
                chart(figure, page)

if not figures and not drawn:
    common.empty_state("dash.no_figures")

# Every area's own key figures, computed only when asked for (areas without data yet are left out).
if st.toggle(t("dash.all_figures"), help=t("dash.all_figures_help"), key="overview_all_figures"):
    blocks = common.cached(dashboard_data.overview, actor)
    if not blocks:
        common.empty_state("overview.empty")
    for area, kpis in blocks:
        st.header(area)
        for start in range(0, len(kpis), 4):
            columns = st.columns(4)
            for column, kpi in zip(columns, kpis[start:start + 4], strict=False):
                column.metric(kpi.label, kpi.value, delta=kpi.delta, help=kpi.help or None, border=True)
