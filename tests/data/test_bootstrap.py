"""data.bootstrap: importing wires nothing; one install wires the audit hook, every room's guards,
catalogues and checks, and a second install changes nothing."""
import subprocess
import sys
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from admin import modules
from admin.changeboard import hooks
from data import audit, bootstrap
from data.i18n import catalog
from data.support import tickets

ROOT = Path(__file__).resolve().parents[2]
DECLARED = ("PAGES", "KPIS", "SERVICE_FACTS", "DEMO", "CLI", "MESSAGES")


def test_importing_every_room_registers_nothing():
    probe = ("from sqlalchemy import event; from sqlalchemy.orm import Session; from admin import modules; "
             "from data import audit; from data.i18n import catalog; from data.support import tickets; "
             "print(len(catalog()), event.contains(Session, 'after_flush', audit.record_flush), "
             "any(event.contains(Session, 'before_flush', g) for r in modules.ROOMS "
             "for g in getattr(r, 'FLUSH_GUARDS', ())), len(tickets._incident_listeners))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False", "False", "0"]


def test_install_wires_every_room_once():
    bootstrap.install(modules.ROOMS)
    bootstrap.install(modules.ROOMS)
    assert event.contains(Session, "after_flush", audit.record_flush)
    guards = [guard.__name__ for room in modules.ROOMS for guard in getattr(room, "FLUSH_GUARDS", ())]
    assert sorted(guards) == ["baselines_are_immutable", "closed_years_are_locked", "refuse_changes_to_approved",
                              "refuse_changes_to_documents", "refuse_changes_to_runs"]
    guards = [guard for room in modules.ROOMS for guard in getattr(room, "FLUSH_GUARDS", ())]
    assert all(event.contains(Session, "before_flush", guard) for guard in guards)
    assert tickets._incident_listeners.count(hooks.ros_review_for_incident) == 1
    known = catalog()
    assert all(key in known for room in modules.ROOMS for key in room.MESSAGES)


def test_every_room_declares_itself_and_is_listed_once():
    assert len({room.__name__ for room in modules.ROOMS}) == len(modules.ROOMS)
    assert {room.__name__ for room in modules.DEMO_ORDER} == {room.__name__ for room in modules.ROOMS if room.DEMO}
    assert sorted(room.__name__ for room in modules.REPORT_ORDER) == sorted(room.__name__ for room in modules.ROOMS)
    missing = [f"{room.__name__}.{name}" for room in modules.ROOMS for name in DECLARED if not hasattr(room, name)]
    assert missing == []
