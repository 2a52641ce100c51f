"""Widgets the agreement pages share: choosing a service or an organisation, labels, error lists."""
from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import select

from data.access import Actor
from data.crud import service_choices
from data.errors import BackofficeError, ValidationFailed
from data.i18n import t
from data.pages import common
from data.registers.models import Organisation


def service_names() -> dict[str, str]:
    with common.session() as session:
        return dict(service_choices(session))


def pick_service(actor: Actor, key: str, label_key: str = "agr.col.service", allow_all: bool = False,
                 writable_only: bool = False) -> str | None:
    """A service picker with the actor's own services first (only those when `writable_only`)."""
    names = service_names()
    codes = sorted(names, key=lambda c: (c not in actor.owned_services, names[c].lower()))
    if writable_only:
        codes = [c for c in codes if actor.can("agreements.write", service=c)]
    options = ([None] if allow_all else []) + codes
    if not options:
        return None
    return st.selectbox(t(label_key), options, key=key,
                        format_func=lambda c: t("ui.all") if c is None else names[c])


def organisation_names(only_ids: set[int] | None = None) -> dict[int, str]:
    with common.session() as session:
        query = select(Organisation.id, Organisation.name, Organisation.org_number).order_by(Organisation.name)
        rows = session.execute(query)
        return {i: f"{name} ({number})" if number else name for i, name, number in rows
                if only_ids is None or i in only_ids}


def org_label(name: str, org_number: str | None) -> str:
    """An organisation as pickers and ballots name it: with its number, for two are called Herøy (a picker
    tells its options apart by these labels)."""
    return f"{name} ({org_number})" if org_number else name


def status_label(status: str | None) -> str:
    return t(f"agr.status.{status}") if status else ""


def show_error(error: BackofficeError) -> None:
    """A ValidationFailed as a table of row/field/message; any other error as one message."""
    if isinstance(error, ValidationFailed):
        st.error(error.message.splitlines()[0])
        frame = pd.DataFrame([{"row": e.row, "field": e.field, "message": e.message} for e in error.errors])
        st.dataframe(frame, hide_index=True, width="stretch", column_config={
            "row": st.column_config.NumberColumn(t("agr.error.row"), format="%d"),
            "field": t("agr.error.field"), "message": st.column_config.TextColumn(t("agr.error.message"),
                                                                                  width="large")})
    else:
        st.error(error.message)


def call(fn, *args, success: str | None = None, **kwargs):
    """Like common.write, but shows row errors as a table."""
    actor = common.current_actor()
    try:
        with common.session() as session:
            result = fn(session, actor, *args, **kwargs)
    except BackofficeError as error:
        show_error(error)
        return None
    except Exception as error:  # the error boundary: plain language, the detail logged under an error id
        common.show_error(error)
        return None
    if success:
        st.toast(success, icon=":material/check_circle:")
    return result if result is not None else True


def xlsx_button(label_key: str, content: bytes, filename: str, key: str | None = None) -> None:
    st.download_button(t(label_key), content, filename, key=key, icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def flash(key: str, message: str) -> None:
    """Keep `message` to show once after the page is drawn again (a saved form reruns the page)."""
    st.session_state[f"_flash-{key}"] = message


def show_flash(key: str) -> None:
    """The message kept by `flash(key, ...)`, shown once as a success."""
    message = st.session_state.pop(f"_flash-{key}", None)
    if message:
        st.success(message)
