import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common
from data.registers import brreg, changes, exports, population
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
            "name": st.column_config.TextColumn(t("reg.orgs.official_name")),
            "norwegian_name": st.column_config.TextColumn(t("reg.orgs.norwegian_name")),
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
    st.header(t("orgs.edit"))
    by_id = {r["id"]: r for r in rows}
    chosen = st.selectbox(t("orgs.choose"), list(by_id), format_func=lambda i: by_id[i]["name"], index=None)
    if chosen is not None:
        org = by_id[chosen]
        with st.form(f"org-{chosen}-{org['version']}"):
            if can_edit:
                c1, c2 = st.columns(2)
                name = c1.text_input(t("reg.orgs.official_name"), org["name"])
                norwegian_name = c2.text_input(t("reg.orgs.norwegian_name"), org["norwegian_name"] or "",
                                               help=t("reg.orgs.norwegian_name_help"))
                org_number = c1.text_input(t("orgs.org_number"), org["org_number"] or "")
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
                payload = {"name": name, "norwegian_name": norwegian_name, "org_number": org_number, "kind": kind,
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
    st.header(t("orgs.import"))
    st.caption(t("orgs.import_help"))
    upload = st.file_uploader(t("orgs.import_file"), type=["csv"])
    if upload is not None and st.button(t("orgs.import_button"), type="primary"):
        counts = common.write(registers.import_ssb_municipalities, upload.getvalue())
        if counts:
            st.success(t("orgs.imported", **counts))

# --- predecessors and successors (data/registers/changes.py), Enhetsregisteret and KLASS changes imports ---
with common.session() as session:
    linked = changes.linked_organisations(session)
st.header(t("chg.org.title"))
if not linked:
    common.empty_state("chg.org.empty")
else:
    linked_names = dict(linked)
    chosen_link = st.selectbox(t("chg.org.choose"), list(linked_names), format_func=linked_names.get,
                               key="succession-org")
    history_rows = common.cached(changes.organisation_history, chosen_link)
    st.dataframe(common.with_names(pd.DataFrame(history_rows), persons=("applied_by",)).drop(columns=["organisation_id"]),
                 hide_index=True, width="stretch",
                 column_config={
                     "relation": st.column_config.TextColumn(t("chg.col.relation")),
                     "organisation": st.column_config.TextColumn(t("orgs.name")),
                     "change_date": common.date_column(t("chg.col.date")),
                     "kind": st.column_config.TextColumn(t("chg.col.kind")),
                     "status": st.column_config.TextColumn(t("chg.col.status")),
                     "applied_by": st.column_config.TextColumn(t("chg.col.applied_by")),
                     "moved": st.column_config.TextColumn(t("chg.col.moved"), width="large"),
                 })

if can_edit:
    st.header(t("brreg.page.title"))
    st.caption(t("brreg.page.help"))
    brreg_upload = st.file_uploader(t("brreg.page.file"), type=["json", "gz", "csv"], key="brreg-upload")
    if brreg_upload is not None:
        cache_key = f"brreg-report-{brreg_upload.file_id}"
        if cache_key not in st.session_state:
            brreg_upload.seek(0)
            st.session_state[cache_key] = common.write(brreg.import_enhetsregisteret, brreg_upload, False)
        report = st.session_state[cache_key]
        if report not in (None, True):
            st.info(t("brreg.summary", read=report.read, kept=report.kept, matched=report.matched,
                      unmatched=len(report.unmatched), changed=report.changed_organisations,
                      unchanged=report.unchanged))
            if report.changes:
                st.dataframe(pd.DataFrame([{**c, "field": brreg.field_label(c["field"])} for c in report.changes])
                             .drop(columns=["organisation_id"]), hide_index=True, width="stretch", column_config={
                                 "organisation": st.column_config.TextColumn(t("orgs.name")),
                                 "field": st.column_config.TextColumn(t("brreg.col.field")),
                                 "old": st.column_config.TextColumn(t("brreg.col.old")),
                                 "new": st.column_config.TextColumn(t("brreg.col.new")),
                             })
                if common.confirmed_button(t("brreg.page.confirm"), t("brreg.page.apply"),
                                           key=f"brreg-{brreg_upload.file_id}", type="primary"):
                    brreg_upload.seek(0)
                    written = common.write(brreg.import_enhetsregisteret, brreg_upload, True)
                    if written:
                        st.session_state.pop(cache_key, None)
                        st.success(t("brreg.applied", count=written.changed_organisations))

    st.header(t("chg.import.title"))
    st.caption(t("chg.import.help"))
    changes_upload = st.file_uploader(t("chg.import.file"), type=["csv"], key="klass-changes-upload")
    if changes_upload is not None and st.button(t("chg.import.button"), type="primary"):
        imported = common.write(changes.import_changes, changes_upload.getvalue())
        if imported:
            st.success(t("chg.summary", rows=imported.rows, links=imported.links, already=imported.already_linked,
                         renames=imported.renames, skipped=imported.not_in_register,
                         renumbered=len(imported.renumbered), created=len(imported.created)))

# --- population per organisation and year (data/registers/population.py) ---
st.header(t("reg.pop.page.title"))
st.caption(t("reg.pop.page.intro"))
if rows:
    people = {r["id"]: r for r in rows}
    chosen_people = st.selectbox(
        t("orgs.choose"), list(people), index=None, key="population-org",
        format_func=lambda i: f"{people[i]['name']} ({people[i]['municipality_number'] or people[i]['county_number']})")
    if chosen_people is not None:
        history = common.cached(population.population_history, chosen_people)
        if history:
            st.dataframe(common.with_names(pd.DataFrame(history), persons=("imported_by",)), hide_index=True,
                         width="stretch", column_config={
                "year": st.column_config.NumberColumn(t("reg.pop.col.year"), format="%d"),
                "population": st.column_config.NumberColumn(t("orgs.population"), format="localized"),
                "source": st.column_config.TextColumn(t("reg.pop.col.source")),
                "imported_at": common.datetime_column(t("reg.pop.col.imported_at")),
                "imported_by": st.column_config.TextColumn(t("reg.pop.col.imported_by")),
            })
        else:
            common.empty_state("reg.pop.page.empty")
if can_edit:
    population_upload = st.file_uploader(t("reg.pop.page.file"), type=["csv"], key="population-upload",
                                         help=t("reg.pop.page.file_help"))
    population_year = st.number_input(t("reg.pop.page.year"), min_value=1800, max_value=2200, value=None, step=1,
                                      key="population-year", help=t("reg.pop.page.year_help"))
    if population_upload is not None and st.button(t("reg.pop.page.button"), type="primary",
                                                   key="population-button"):
        imported_population = common.write(population.import_ssb_population, population_upload.getvalue(),
                                           int(population_year) if population_year else None)
        if imported_population:
            st.success(t("reg.pop.imported", **imported_population))
