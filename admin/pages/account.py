import streamlit as st

from data.i18n import t
from data.pages import common
from data.registers.users import set_password

actor = common.require_actor()
common.header("page.account", "account.intro")
st.write(f"**{t('users.username')}:** {actor.username}")
st.write(f"**{t('users.roles')}:** {', '.join(t(f'role.{r}') for r in sorted(actor.roles))}")
if actor.owned_services:
    st.write(f"**{t('account.owned_services')}:** {', '.join(sorted(actor.owned_services))}")

if actor.user_id is not None:
    with st.form("password", clear_on_submit=True):
        first = st.text_input(t("account.new_password"), type="password", autocomplete="new-password")
        second = st.text_input(t("account.repeat_password"), type="password", autocomplete="new-password")
        submitted = st.form_submit_button(t("account.change_password"), type="primary")
    if submitted:
        if first != second:
            st.error(t("account.passwords_differ"))
        else:
            common.write(set_password, actor.username, first, success=t("account.password_changed"))
else:
    st.info(t("account.sso_user"))
