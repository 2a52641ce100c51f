from datetime import date

import streamlit as st

from admin.exports import sheet_markdown, sheet_workbook
from admin.service_sheet import build_sheet
from data.i18n import t
from data.pages import common
from data.registers.registry import list_services

actor = common.require_actor()
common.header("page.service_sheet", "sheet.intro")

with common.session() as session:
    services = {s.code: s.name for s in list_services(session)}
if not services:
    common.empty_state("services.empty")
    st.stop()

owned_first = sorted(services, key=lambda c: (c not in actor.owned_services, services[c]))
code = st.selectbox(t("sheet.choose"), owned_first, format_func=services.get)
try:
    with common.session() as session:
        sheet = build_sheet(session, code)
except Exception as error:  # the error boundary: plain language, the detail logged under an error id
    common.show_error(error)
    st.stop()

st.header(sheet.name)
if sheet.description:
    st.write(sheet.description)
for title, facts in sheet.sections:
    st.markdown(f"**{title}**")
    st.table({t("sheet.what"): [f.label for f in facts], t("sheet.value"): [str(f.value) for f in facts]})

left, right = st.columns(2)
left.download_button(t("sheet.download"), sheet_markdown(sheet, date.today()).encode("utf-8"),
                     f"tjenesteark-{sheet.code}.md", mime="text/markdown", icon=":material/download:")
right.download_button(t("ui.download_excel"), sheet_workbook(sheet, date.today()), f"tjenesteark-{sheet.code}.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      icon=":material/table:")
