from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from admin import approvals, modules
from admin import overview as dashboard_data
from data.formatting import date_text, decimal_text, integer, month_label, percent_text, quarter_label
from data.i18n import t
from data.pages import common, svg_charts

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


def _charts(charts) -> list[tuple[str, str]]:
    """The dashboard's charts as (SVG, page to open): drawn on the server in a few milliseconds, where five Plotly
    charts cost the browser 0.3 s on this, the first page after sign-in (data/pages/svg_charts.py says more)."""
    drawn = []
    if charts.adoption:
        points = [svg_charts.Bar(quarter_label(p["day"]), p["municipalities"],
                                 t("dash.municipalities_on", count=integer(p["municipalities"]), day=date_text(p["day"])))
                  for p in charts.adoption]
        drawn.append((svg_charts.line(t("dash.chart_adoption"), t("dash.axis_municipalities"), points, integer),
                      dashboard_data.PAGE_ADOPTION))
    if charts.coverage:
        bars = [svg_charts.Bar(r["service"], r["coverage_pct"], percent_text(r["coverage_pct"], 1, ratio=False),
                               svg_charts.BAD if r["coverage_pct"] < 100 else svg_charts.GOOD) for r in charts.coverage]
        drawn.append((svg_charts.horizontal_bars(t("dash.chart_coverage", year=charts.coverage_year),
                                                 t("dash.axis_coverage"), bars, 100.0, t("dash.full_coverage")),
                      dashboard_data.PAGE_ACCOUNTS))
    if charts.risks:
        bars = [svg_charts.Bar(r["service"], r["risks"], integer(r["risks"]), svg_charts.BAD) for r in charts.risks]
        drawn.append((svg_charts.horizontal_bars(t("dash.chart_risks"), t("dash.axis_risks"), bars),
                      dashboard_data.PAGE_RISKS))
    if charts.capacity:
        bars = [svg_charts.Bar(month_label(r["month"]), r["balance"], decimal_text(r["balance"], 1).replace("-", "−"),
                               svg_charts.GOOD if round(r["balance"], 1) >= 0 else svg_charts.BAD)
                for r in charts.capacity]
        drawn.append((svg_charts.columns(t("dash.chart_capacity"), t("dash.capacity_unit"), bars),
                      dashboard_data.PAGE_CAPACITY))
    if charts.support:
        bars = [svg_charts.Bar(r["service"], r["tickets"], integer(r["tickets"])) for r in charts.support]
        drawn.append((svg_charts.horizontal_bars(t("dash.chart_support", days=charts.support_days),
                                                 t("dash.axis_tickets"), bars),
                      dashboard_data.PAGE_SUPPORT))
    return drawn


drawn = _charts(charts)
if drawn:
    st.header(t("dash.charts"))
    for start in range(0, len(drawn), 2):
        for column, (picture, page) in zip(st.columns(2), drawn[start:start + 2], strict=False):
            with column:
                st.markdown(picture, unsafe_allow_html=True)
                link(page, t("dash.open_page", page=page_title(page)))

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
