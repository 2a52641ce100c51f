"""My account: who I am, my roles, and my password. While the password is a one-time password (the
first admin's, or one an admin set), app.py shows only this page, and only the form to replace it."""
import streamlit as st
from sqlalchemy import select

from data.i18n import t
from data.pages import common
from data.registers.models import User
from data.registers.users import MIN_PASSWORD_LENGTH, must_change_password, set_password

actor = common.require_actor()
common.header("page.account", "account.intro")
with common.session() as session:
    one_time = must_change_password(session, actor)
    # the form is drawn under the user's row version: a changed password (a new version) draws it empty,
    # a refused one keeps what was typed
    version = session.scalar(select(User.version).where(User.id == actor.user_id)) if actor.user_id else None
if one_time:
    st.info(t("account.must_change", username=actor.username))
st.write(f"**{t('users.username')}:** {actor.username}")
st.write(f"**{t('users.roles')}:** {', '.join(t(f'role.{r}') for r in sorted(actor.roles))}")
if actor.owned_services and not one_time:
    names = common.service_names()   # names, not codes
    st.write(f"**{t('account.owned_services')}:** "
             f"{', '.join(sorted(names.get(code, code) for code in actor.owned_services))}")

CHANGED_KEY = "account-password-changed"
if st.session_state.pop(CHANGED_KEY, False):
    st.success(t("account.password_changed"))
if actor.user_id is not None:
    with st.form(f"password-{actor.user_id}-{version}"):
        first = st.text_input(t("account.new_password"), type="password", autocomplete="new-password")
        second = st.text_input(t("account.repeat_password"), type="password", autocomplete="new-password")
        st.caption(t("user.password_policy", length=MIN_PASSWORD_LENGTH))
        submitted = st.form_submit_button(t("account.change_password"), type="primary")
    if submitted:
        if first != second:
            st.error(t("account.passwords_differ"))
        elif common.write(set_password, actor.username, first,
                          success=t("account.password_changed") if one_time else None):
            st.session_state[CHANGED_KEY] = not one_time
            st.rerun()  # the form drawn empty; after a one-time password the app shows every page again
else:
    st.info(t("account.sso_user"))

if one_time and st.button(t("ui.sign_out"), icon=":material/logout:"):
    common.sign_out()
    st.rerun()
