"""The forms rule, checked over every page's source (issue 20, "forms that behave"): a create form is drawn under
common.form_key(name) and saved with common.save_once(name, ...), so it clears after a save, never saves twice
and keeps what was typed when a save is refused; nothing uses clear_on_submit (it empties a refused form); a form
with a fixed key is one of the few that edit a single setting."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for p in ROOT.glob("*/**/pages/*.py") if ".venv" not in p.parts)
SINGLE_SETTING_FORMS = {"load-limit", "sign_in"}   # the change board's weekly limit; the sign-in form


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and (getattr(node.func, "attr", None) == name or getattr(node.func, "id", None) == name)]


def test_the_pages_are_found():
    assert len(PAGES) > 50 and any(p.name == "councils.py" for p in PAGES)


def test_no_form_empties_itself_on_submit():
    found = [f"{path.relative_to(ROOT)}:{call.lineno}" for path in PAGES
             for call in _calls(ast.parse(path.read_text()), "form")
             if any(k.arg == "clear_on_submit" for k in call.keywords)]
    assert found == []


def test_a_form_with_a_fixed_key_edits_one_setting():
    found = []
    for path in PAGES:
        for call in _calls(ast.parse(path.read_text()), "form"):
            key = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "key"), None)
            if isinstance(key, ast.Constant) and key.value not in SINGLE_SETTING_FORMS:
                found.append(f"{path.relative_to(ROOT)}:{call.lineno} {key.value!r}")
    assert found == []


# The price calculation is a worksheet, not a form: its inputs stay after saving so finance can compare the
# next variant; save_once still keeps a second press from making a second calculation.
WORKSHEETS = {"pricing/pages/calculations.py"}


def _parameters(tree: ast.AST) -> set[str]:
    return {arg.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) for arg in node.args.args}


def test_every_save_once_saves_a_form_drawn_under_its_key():
    """save_once(name, ...) names a form drawn under form_key(name) or st.form(name), or is a helper's
    parameter (its callers pass the form's name)."""
    found = []
    for path in PAGES:
        if str(path.relative_to(ROOT)) in WORKSHEETS:
            continue
        tree = ast.parse(path.read_text())
        drawn = {ast.dump(call.args[0]) for name in ("form_key", "form") for call in _calls(tree, name) if call.args}
        parameters = _parameters(tree)
        for call in _calls(tree, "save_once"):
            name = call.args[0] if call.args else None
            if name is None or ast.dump(name) in drawn or (isinstance(name, ast.Name) and name.id in parameters):
                continue
            found.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(name)}")
    assert found == []
