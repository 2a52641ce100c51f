import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from data.registers import exports
from data.registers import registry as registers
from data.registers.models import OrganisationKind

actor = common.require_actor()
common.header("page.organisations", "orgs.intro")

with common.session() as session:
    counties = registers.county_choices(session)
county_names = dict(counties)

filters = st.columns([3, 2, 2, 1])
search = filters[0].text_input(t("ui.search"), placeholder=t("orgs.search_placeholder"))
kinds = filters[1].multiselect(t("orgs.kind"), [k.value for k in OrganisationKind],
                               format_func=lambda k: t(f"org.kind.{k}"))
county = filters[2].selectbox(t("orgs.county"), [None] + [c for c, _ in counties],
                              format_func=lambda c: t("ui.all") if c is None else f"{c} {county_names[c]}")
history = filters[3].toggle(t("orgs.include_history"), help=t("orgs.include_history_help"))

rows = common.cached(registers.organisation_rows, search, tuple(kinds), county, history)
frame = pd.DataFrame(rows)
if frame.empty:
    common.empty_state("orgs.empty")
else:
    frame["kind"] = frame["kind"].map(lambda k: t(f"org.kind.{k}"))
    st.caption(t("orgs.count", count=len(frame)))
    st.dataframe(
        frame.drop(columns=["id", "version", "county_number"]),
        hide_index=True, width="stretch",
        column_config={
            "org_number": st.column_config.TextColumn(t("orgs.org_number")),
            "name": st.column_config.TextColumn(t("orgs.name")),
            "kind": st.column_config.TextColumn(t("orgs.kind")),
            "municipality_number": st.column_config.TextColumn(t("orgs.municipality_number")),
            "county": st.column_config.TextColumn(t("orgs.county")),
            "population": st.column_config.NumberColumn(t("orgs.population"), format="localized"),
            "population_year": st.column_config.NumberColumn(t("orgs.population_year"), format="%d"),
            "valid_from": common.date_column(t("orgs.valid_from")),
            "valid_to": common.date_column(t("orgs.valid_to")),
            "contact_email": st.column_config.TextColumn(t("orgs.contact_email")),
        },
    )
    st.download_button(t("ui.download_excel"), exports.organisations_workbook(rows), "virksomheter.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:")

can_edit = actor.can("registers.write")
can_contact = actor.can("contacts.write")
if (can_edit or can_contact) and rows:
    st.subheader(t("orgs.edit"))
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox(t("orgs.choose"), list(by_id), format_func=lambda i: by_id[i]["name"], index=None)
    if chosen is not None:
        org = by_id[chosen]
        with st.form(f"org-{chosen}-{org['version']}"):
            if can_edit:
                c1, c2 = st.columns(2)
                name = c1.text_input(t("orgs.name"), org["name"])
                org_number = c2.text_input(t("orgs.org_number"), org["org_number"] or "")
                kind = c1.selectbox(t("orgs.kind"), [k.value for k in OrganisationKind],
                                    index=[k.value for k in OrganisationKind].index(org["kind"]),
                                    format_func=lambda k: t(f"org.kind.{k}"))
                municipality_number = c2.text_input(t("orgs.municipality_number"), org["municipality_number"] or "")
                population = c1.number_input(t("orgs.population"), min_value=0, value=org["population"] or 0)
                valid_to = c2.date_input(t("orgs.valid_to"), org["valid_to"], format="DD.MM.YYYY")
            email = st.text_input(t("orgs.contact_email"), org["contact_email"] or "")
            saved = st.form_submit_button(t("ui.save"), type="primary")
        if saved:
            if can_edit:
                payload = {"name": name, "org_number": org_number, "kind": kind,
                           "municipality_number": municipality_number, "county_number": org["county_number"],
                           "population": population or None, "population_year": org["population_year"],
                           "valid_from": org["valid_from"], "valid_to": valid_to, "contact_email": email}
                done = common.write(registers.update_organisation, chosen, payload,
                                    expected_version=org["version"], success=t("ui.saved"))
            else:
                done = common.write(registers.update_contact, chosen, {"contact_email": email},
                                    expected_version=org["version"], success=t("ui.saved"))
            if done:
                st.rerun()

if can_edit:
    st.subheader(t("orgs.import"))
    st.caption(t("orgs.import_help"))
    upload = st.file_uploader(t("orgs.import_file"), type=["csv"])
    if upload is not None and st.button(t("orgs.import_button"), type="primary"):
        counts = common.write(registers.import_ssb_municipalities, upload.getvalue())
        if counts:
            st.success(t("orgs.imported", **counts))
