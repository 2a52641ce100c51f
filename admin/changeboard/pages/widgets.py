"""What the change-board pages share: the table of conflicts (on the agenda and the forward schedule)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from data.i18n import t
from data.pages import common


def conflict_table(conflicts: list[dict]) -> None:
    """Freezes, load and same-day clashes as a table, or a line saying there are none."""
    if not conflicts:
        st.success(t("cb.agenda.no_conflicts"))
        return
    st.dataframe(pd.DataFrame([{"day": c["day"], "kind": t(f"cb.conflict_kind.{c['kind']}"),
                                "items": ", ".join(c["items"]), "text": c["text"],
                                "overridden": c["overridden"]} for c in conflicts]),
                 hide_index=True, width="stretch",
                 column_config={"day": common.date_column(t("cb.col.day")),
                                "kind": st.column_config.TextColumn(t("cb.col.kind")),
                                "items": st.column_config.TextColumn(t("cb.col.items")),
                                "text": st.column_config.TextColumn(t("cb.col.description"), width="large"),
                                "overridden": st.column_config.CheckboxColumn(t("cb.col.overridden"))})
