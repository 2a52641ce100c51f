import pandas as pd
import streamlit as st

from data import db
from data.access import ROLES
from data.formatting import datetime_text
from data.i18n import t
from data.pages import common
from data.registers.users import (
    create_user,
    generate_password,
    list_users,
    set_active,
    set_password,
    set_roles,
)

actor = common.require_actor(roles={"admin"})
common.header("page.users", "users.intro")

with common.session() as session:
    users = [
        {"username": u.username, "full_name": u.full_name, "email": u.email, "roles": u.roles,
         "active": u.active, "must_change_password": u.must_change_password, "locked_until": u.locked_until,
         "last_sign_in": u.last_sign_in, "version": u.version}
        for u in list_users(session)
    ]

# Locked accounts (too many failed sign-ins) and when they open again; a lock that has run out is no lock.
now = db.utcnow()
for user in users:
    if user["locked_until"] is not None and user["locked_until"] <= now:
        user["locked_until"] = None
locked = [u for u in users if u["locked_until"] is not None]
if locked:
    st.warning(t("users.locked_now", count=len(locked)) + "\n\n" + "\n".join(
        f"- {u['full_name'] or u['username']} ({u['username']}): "
        + t("users.opens_at", time=datetime_text(u["locked_until"])) for u in locked),
        icon=":material/lock_clock:")

role_filter = st.multiselect(t("users.role"), ROLES, format_func=lambda r: t(f"role.{r}"))
shown = [u for u in users if not role_filter or set(role_filter) & set(u["roles"])]
frame = pd.DataFrame(shown)
if frame.empty:
    common.empty_state("users.empty")
else:
    frame["roles"] = frame["roles"].map(lambda rs: ", ".join(t(f"role.{r}") for r in rs))
    st.dataframe(
        frame.drop(columns=["version"]), hide_index=True, width="stretch",
        column_config={
            "username": t("users.username"), "full_name": t("users.full_name"), "email": t("users.email"),
            "roles": t("users.roles"),
            "active": st.column_config.CheckboxColumn(t("users.active")),
            "must_change_password": st.column_config.CheckboxColumn(t("users.must_change_password"),
                                                                    help=t("users.must_change_password_help")),
            "locked_until": common.datetime_column(t("users.locked_until")),
            "last_sign_in": common.datetime_column(t("users.last_sign_in")),
        },
    )

add, edit = st.tabs([t("users.add"), t("users.edit")])
CREATED_KEY = "users-created"   # the one-time password, shown once after the page is drawn again

with add:
    if (created_message := st.session_state.pop(CREATED_KEY, None)) is not None:
        st.success(created_message)
    with st.form(common.form_key("add-user")):
        c1, c2 = st.columns(2)
        username = c1.text_input(t("users.username"))
        full_name = c2.text_input(t("users.full_name"))
        email = c1.text_input(t("users.email"))
        roles = c2.multiselect(t("users.roles"), ROLES, format_func=lambda r: t(f"role.{r}"))
        submitted = st.form_submit_button(t("users.add"), type="primary")
    if submitted:
        filled = {"username": username, "full_name": full_name, "email": email, "roles": roles}
        password = generate_password(username)  # a one-time password: replaced at the first sign-in
        if common.save_once("add-user", filled, create_user, {**filled, "password": password}):
            st.session_state[CREATED_KEY] = t("users.created_with_password", username=username,
                                              password=password)
            st.rerun()

with edit:
    by_name = {u["username"]: u for u in users}
    chosen = st.selectbox(t("users.choose"), list(by_name), index=None)
    if chosen:
        user = by_name[chosen]
        with st.form(f"roles-{chosen}-{user['version']}"):
            new_roles = st.multiselect(t("users.roles"), ROLES, default=user["roles"],
                                       format_func=lambda r: t(f"role.{r}"))
            if st.form_submit_button(t("users.save_roles"), type="primary"):
                if common.write(set_roles, chosen, new_roles, expected_version=user["version"],
                                success=t("ui.saved")):
                    st.rerun()
        c1, c2 = st.columns(2)
        if c1.button(t("users.reset_password"), icon=":material/lock_reset:"):
            password = generate_password(chosen)  # a one-time password: replaced at the next sign-in
            if common.write(set_password, chosen, password):
                st.success(t("users.password_reset", username=chosen, password=password))
        if user["active"]:
            if common.confirmed_button(t("users.confirm_deactivate", username=chosen), t("users.deactivate"),
                                       key=f"users-deactivate-{chosen}", container=c2,
                                       icon=":material/person_off:"):
                if common.write(set_active, chosen, False, success=t("ui.saved")):
                    st.rerun()
        elif c2.button(t("users.reactivate"), icon=":material/person_check:"):
            if common.write(set_active, chosen, True, success=t("ui.saved")):
                st.rerun()
