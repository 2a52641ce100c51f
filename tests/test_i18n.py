"""Both languages are complete: every key used in code exists, with the same placeholders."""
import re
import string
from pathlib import Path

from admin import modules
from data import bootstrap
from data.access import PERMISSIONS, ROLES
from data.i18n import catalog

ROOT = Path(__file__).resolve().parents[1]
KEY_IN_CODE = re.compile(r"""\bt\(\s*["']([a-z][a-z0-9_.-]+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _catalog():
    bootstrap.install(modules.ROOMS)  # registers every room's catalog
    return catalog()


def test_every_entry_has_both_languages_with_the_same_placeholders():
    problems = []
    for key, (nb, en) in _catalog().items():
        if not nb.strip() or not en.strip():
            problems.append(f"{key}: empty text")
        elif _placeholders(nb) != _placeholders(en):
            problems.append(f"{key}: {_placeholders(nb)} != {_placeholders(en)}")
    assert problems == []


def test_every_key_used_in_code_is_translated():
    known = _catalog()
    missing = []
    for path in ROOT.rglob("*.py"):
        if any(part in {".venv", "tests", "migrations", "benchmarks"} for part in path.relative_to(ROOT).parts):
            continue
        for key in KEY_IN_CODE.findall(path.read_text(encoding="utf-8")):
            if key not in known and not key.endswith("."):
                missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_roles_permissions_and_pages_have_labels():
    known = _catalog()
    needed = [f"role.{r}" for r in ROLES] + [f"permission.{p}" for p in PERMISSIONS]
    for spec in modules.pages():
        needed += [spec.title_key, spec.section_key]
    assert [k for k in needed if k not in known] == []
