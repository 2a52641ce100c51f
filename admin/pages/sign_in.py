"""Sign-in: username and password, or the organisation's single sign-on when configured."""
import streamlit as st

from admin.sso import parse_sso_settings
from data import db
from data.i18n import t
from data.pages import common
from data.registers.users import LOCK_OUT, MAX_FAILED_SIGN_INS, actor_for_sso, authenticate


def sso_settings():
    try:
        return parse_sso_settings({k: st.secrets[k] for k in ("auth", "backoffice_sso") if k in st.secrets})
    except Exception:  # no secrets.toml: single sign-on is simply off
        return None


common.apply_language()
st.title(t("page.sign_in"))
st.caption(t("signin.intro"))
if st.session_state.pop("timed_out", False):
    st.info(t("signin.timed_out", minutes=db.settings().session_timeout_minutes))

sso = sso_settings()
if sso is not None:
    if st.user.is_logged_in:
        actor = None
        with common.guarded():
            with db.session_scope() as session:
                actor = actor_for_sso(session, st.user.to_dict(), sso.role_mapping, sso.claim)
        if actor is not None:
            common.sign_in(actor)
            st.rerun()
    st.button(t("signin.sso_button", provider=sso.label), on_click=st.login, args=(sso.provider,) if sso.provider else (),
              icon=":material/key:")
    st.divider()

with st.form("sign_in"):
    username = st.text_input(t("signin.username"), autocomplete="username")
    password = st.text_input(t("signin.password"), type="password", autocomplete="current-password")
    submitted = st.form_submit_button(t("signin.submit"), type="primary")
# Stated here, since a failed sign-in answers the same whatever the reason (no account enumeration).
st.caption(t("signin.lockout_rule", count=MAX_FAILED_SIGN_INS, minutes=int(LOCK_OUT.total_seconds() // 60)))

if submitted:
    if not username or not password:
        st.error(t("signin.fill_both"))
    else:
        result = None
        with common.guarded():  # a busy database or a race is a plain message, never a traceback
            with db.session_scope(actor=username.strip() or None) as session:
                result = authenticate(session, username, password)
        if result is not None and result.actor is None:
            st.error(result.error)
        elif result is not None:
            common.sign_in(result.actor)
            st.rerun()
