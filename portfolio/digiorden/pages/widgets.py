"""Widgets the DigiOrden pages share: choosing the organisation (remembered across the pages)."""
from __future__ import annotations

import streamlit as st

from data.formatting import percent
from data.i18n import t
from data.pages import common
from portfolio.digiorden import systems as digiorden

REMEMBERED = "do_org_id"


def choose_organisation() -> dict | None:
    """A select box of every organisation, mapped ones first; the choice follows the user between pages."""
    choices = common.cached(digiorden.organisation_choices)
    if not choices:
        common.empty_state("do.ui.no_organisations")
        return None
    by_id = {row["id"]: row for row in choices}
    options = list(by_id)
    remembered = st.session_state.get(REMEMBERED)
    index = options.index(remembered) if remembered in by_id else 0

    def label(org_id: int) -> str:
        row = by_id[org_id]
        number = row["municipality_number"] or row["org_number"] or ""
        mapped = t("do.ui.systems_count", count=row["systems"]) if row["systems"] else t("do.ui.not_mapped")
        return f"{row['name']} ({number}) · {mapped}" if number else f"{row['name']} · {mapped}"

    chosen = st.selectbox(t("do.ui.organisation"), options, index=index, format_func=label,
                          help=t("do.ui.organisation_help"))
    st.session_state[REMEMBERED] = chosen
    return by_id.get(chosen)


def restricted_note(actor) -> bool:
    """Say what is left out for a reader without access to sensitive data; True when something is."""
    if digiorden.can_read_sensitive(actor):
        return False
    st.info(t("do.restricted_note"), icon=":material/lock:")
    return True


def percent_text(score: float | None) -> str:
    return "–" if score is None else percent(score)
