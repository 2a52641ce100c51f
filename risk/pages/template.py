"""The municipality template for one service: Excel to complete, and a printable page."""
import streamlit as st

from data.crud import service_choices
from data.i18n import t
from data.pages import common
from risk import exports, ros

actor = common.require_actor()
common.header("ros.page.template", "ros.page.template_intro")

services = common.cached(service_choices)
with_ros = {code for code, _ in common.cached(ros.services_with_ros)}
names = dict(services)
codes = sorted(names, key=lambda c: (c not in with_ros, names[c]))
service = st.selectbox(t("ros.field.service"), codes,
                       format_func=lambda c: names[c] + ("" if c in with_ros else f" ({t('ros.template.no_ros_short')})"))
if service is None:
    common.empty_state("ros.template.no_services")
    st.stop()

with common.session() as s:
    workbook = exports.template_workbook(s, service)
    page = exports.template_html(s, service)
c1, c2 = st.columns(2)
c1.download_button(t("ros.template.download_excel"), workbook, f"kommunemal-{service}.xlsx", mime=exports.XLSX_MIME,
                   icon=":material/download:", type="primary")
c2.download_button(t("ros.template.download_html"), page.encode("utf-8"), f"kommunemal-{service}.html",
                   mime="text/html", icon=":material/print:", help=t("ros.template.download_html_help"))
if service not in with_ros:
    st.warning(t("ros.template.no_approved_ros"))
st.divider()
st.html(page)
