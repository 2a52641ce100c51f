"""Backoffice: sign-in gate, then navigation built from every package's PAGES, filtered by role."""
from __future__ import annotations

import streamlit as st

from admin import modules
from admin import overview as landing_page
from data import bootstrap, db, schema
from data.i18n import t
from data.pages import common, warm_up
from data.registers.models import User
from data.registers.users import actor_for, must_change_password

bootstrap.install(modules.ROOMS)  # once per process; every rerun after that finds it done
warm_up.start(reads=(landing_page.dashboard, landing_page.setup_steps))  # once per process, in the background
st.set_page_config(page_title="Backoffice", page_icon=str(common.ICON), layout="wide")  # local: nothing leaves the machine
common.set_document_language(common.apply_language())

if not schema.is_up_to_date():
    st.error(t("db.out_of_date"))
    st.stop()


def _refresh_actor():
    """Pick up role changes and deactivation at once (one small query per click)."""
    actor = common.current_actor()
    if actor is None or actor.user_id is None:
        return actor
    with db.session_scope() as session:
        user = session.get(User, actor.user_id)
        if user is None or not user.active:
            common.sign_out()
            return None
        fresh = actor_for(session, user)
    if fresh != actor:
        common.sign_in(fresh)
    return fresh


actor = _refresh_actor() if common.touch_session() else None

if actor is None:
    page = st.navigation([st.Page("admin/pages/sign_in.py", title=t("page.sign_in"), icon=":material/login:")],
                         position="hidden")
    page.run()
    st.stop()

with db.session_scope() as session:
    one_time_password = must_change_password(session, actor)
if one_time_password:  # only the form that replaces it, until it is replaced (admin/pages/account.py)
    st.navigation([st.Page("admin/pages/account.py", title=t("page.account"), icon=":material/password:")],
                  position="hidden").run()
    st.stop()

sections: dict[str, list] = {}
first = True
for spec in modules.pages():
    if not spec.visible_to(actor):
        continue
    sections.setdefault(t(spec.section_key), []).append(
        st.Page(spec.path, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path, default=first)
    )
    first = False

with st.sidebar:
    st.markdown(f"**{actor.label}**  \n{', '.join(t(f'role.{r}') for r in sorted(actor.roles))}")
    choice = st.radio(t("ui.language"), ["nb", "en"], horizontal=True, key="language",
                      format_func=lambda code: {"nb": "Norsk", "en": "English"}[code])
    if st.button(t("ui.sign_out"), icon=":material/logout:"):
        common.sign_out()
        if st.user.is_logged_in if hasattr(st.user, "is_logged_in") else False:
            st.logout()
        st.rerun()

navigation = st.navigation(sections, position="hidden")
with st.sidebar:
    common.sidebar_navigation(sections)
with common.guarded():  # the one error boundary: any page's error in plain language with an error id
    navigation.run()
