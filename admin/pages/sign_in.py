"""Sign-in: username and password, or the organisation's single sign-on when configured."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitAPIException

from admin.sso import parse_sso_settings
from data import boundary, db
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

USERNAME, PASSWORD, ERROR = "sign_in_username", "sign_in_password", "sign_in_error"


def submit() -> None:
    """Runs before the page is drawn again: the password field is emptied after every attempt (a callback
    is the one place Streamlit lets a widget's value be changed), the username is kept."""
    username, password = st.session_state.get(USERNAME) or "", st.session_state.get(PASSWORD) or ""
    st.session_state[PASSWORD] = ""
    if not username or not password:
        st.session_state[ERROR] = t("signin.fill_both")
        return
    try:  # a busy database or a race is a plain message, never a traceback
        with db.session_scope(actor=username.strip() or None) as session:
            result = authenticate(session, username, password)
    except Exception as error:
        st.session_state[ERROR] = boundary.message(error, where="sign-in")
        return
    if result.actor is None:
        st.session_state[ERROR] = result.error
    else:
        common.sign_in(result.actor)   # the app draws the signed-in navigation on the rerun that follows


with st.form("sign_in"):
    st.text_input(t("signin.username"), autocomplete="username", key=USERNAME)
    st.text_input(t("signin.password"), type="password", autocomplete="current-password", key=PASSWORD)
    st.form_submit_button(t("signin.submit"), type="primary", on_click=submit)
# Stated here, since a failed sign-in answers the same whatever the reason (no account enumeration).
st.caption(t("signin.lockout_rule", count=MAX_FAILED_SIGN_INS, minutes=int(LOCK_OUT.total_seconds() // 60)))
if st.session_state.get(ERROR):
    st.error(st.session_state.pop(ERROR))

# The pages after sign-in draw tables, figures, links, widgets and (most of them) Plotly charts, whose browser code
# is large (Plotly is 4.7 MB to load and compile) and is fetched the first time a page draws it, in waves, each
# found only once the last had drawn. One of each here, unseen and out of the tab order and the accessibility tree
# (visibility: hidden), loads them while the user types: the table and chart took about a second off the first
# page after sign-in when it drew Plotly charts, and without the other five the browser still fetched them after
# sign-in, in three waves.
with st.container(key="warm-up"):
    st.plotly_chart(go.Figure(), key="warm-up-chart", config={"staticPlot": True})
    st.dataframe(pd.DataFrame({"–": []}), key="warm-up-table")
    st.metric("–", "–", delta="–", help="–", border=True)
    st.radio("–", ["–"], key="warm-up-radio", help="–", horizontal=True)
    st.toggle("–", key="warm-up-toggle", help="–")
    st.button("–", key="warm-up-button", help="–", icon=":material/logout:")
    try:
        st.page_link("admin/pages/sign_in.py", label="–", icon=":material/arrow_forward:", help="–")
    except StreamlitAPIException:  # the page drawn alone (tests): no navigation to link within
        pass
st.html("<style>.st-key-warm-up{position:absolute;left:-10000px;width:600px;height:1px;overflow:hidden;"
        "visibility:hidden}</style>")
