"""Change board and support: Freshdesk import (insert, then re-import as upsert), support aggregates,
and building the weekly agenda over many change items.

Run: .venv/bin/python benchmarks/bench_changeboard.py [TICKETS] [ITEMS]   (a throwaway SQLite file under /tmp)
"""
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from admin.changeboard import agenda as agenda_mod
from admin.changeboard import changes as cb
from admin.changeboard import exports
from admin.modules import ROOMS
from data import bootstrap, db
from data.access import system_actor
from data.registers.models import Organisation
from data.registers.registry import load_reference_data
from data.support.demo import demo_freshdesk_csv
from data.support.freshdesk import import_tickets
from data.support.statistics import monthly_volume, resolution_times, support_kpis, top_organisations


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<48} {seconds:7.2f} s")
    return result, seconds


def main(tickets: int, items: int) -> None:
    bootstrap.install(ROOMS)
    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    engine = db.make_engine(f"sqlite:///{path}")
    db.Base.metadata.create_all(engine)
    actor = system_actor("bench")
    with db.session_scope(actor=actor, eng=engine) as s:
        load_reference_data(s, actor)
        names = [o.name for o in s.query(Organisation).filter(Organisation.valid_to.is_(None))]
    today = date.today()
    content = demo_freshdesk_csv(random.Random(7), names, today, count=tickets).encode("utf-8")
    print(f"Freshdesk export: {tickets:,} tickets, {len(content) / 1e6:.1f} MB")

    def run(fn):
        with db.session_scope(actor=actor, eng=engine) as s:
            return fn(s)

    counts, seconds = timed("import (all new; one batch audit entry)", lambda: run(
        lambda s: import_tickets(s, actor, content)))
    print(f"{'':<48} {tickets / seconds:7,.0f} tickets/s  {counts}")
    changed = content.replace(b",Open,", b",Resolved,")
    counts, seconds = timed("re-import (upsert, some changed)", lambda: run(
        lambda s: import_tickets(s, actor, changed)))
    print(f"{'':<48} {tickets / seconds:7,.0f} tickets/s  updated={counts['updated']}")
    start, end = today - timedelta(days=365), today
    timed("monthly volume per service (12 months)", lambda: run(lambda s: monthly_volume(s, start, end)))
    timed("resolution times per service", lambda: run(lambda s: resolution_times(s, start, end)))
    timed("top organisations", lambda: run(lambda s: top_organisations(s, start, end)))
    timed("support KPIs", lambda: run(lambda s: support_kpis(s, actor)))

    rng = random.Random(3)
    codes = ["svarut", "digisos", "minside", "fiks-io", "fiks-arkiv"]

    def make_items(s):
        for n in range(items):
            begin = datetime.combine(today + timedelta(days=rng.randrange(-60, 120)), datetime.min.time(),
                                     tzinfo=cb.OSLO) + timedelta(hours=rng.choice([6, 18, 20, 22]))
            item = cb.create_item(s, actor, {
                "title": f"Endring {n}", "source": rng.choice(["operations", "support", "project", "management"]),
                "change_type": "normal", "service_codes": rng.sample(codes, rng.randint(1, 2)),
                "rollback_plan": "Rull tilbake", "risk": rng.randint(1, 5), "impact": rng.randint(1, 5),
                "planned_start": begin, "planned_end": begin + timedelta(hours=2)})
            if n % 3 == 0:
                cb.transition(s, actor, item.id, "assessed")

    timed(f"create {items:,} change items", lambda: run(make_items))
    meeting = agenda_mod.next_monday(today)
    agenda, seconds = timed("build the weekly agenda", lambda: run(lambda s: agenda_mod.build_agenda(s, meeting)))
    print(f"{'':<48} {sum(len(v) for v in agenda.sections.values()):,} points, {len(agenda.conflicts):,} conflicts")
    timed("agenda as Markdown and Excel", lambda: (exports.agenda_markdown(agenda), exports.agenda_workbook(agenda)))
    timed("forward schedule, 12 weeks", lambda: run(lambda s: cb.schedule(s, today, today + timedelta(days=83))))
    print(f"database size: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000, int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
