"""DigiOrden: import/export of a large municipality's map, and the sector views over every municipality.

Run: .venv/bin/python benchmarks/bench_digiorden.py [SYSTEMS]   (a throwaway SQLite file under /tmp)
A large municipality runs a few hundred systems; the default is 300.
"""
import io
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from admin.modules import ROOMS
from data import bootstrap, db
from data.access import system_actor
from data.registers.models import Organisation
from data.registers.registry import load_reference_data
from portfolio.digiorden import analysis as digiorden_analysis
from portfolio.digiorden import archi as digiorden_archi
from portfolio.digiorden import demo as digiorden_demo
from portfolio.digiorden import exchange as digiorden_exchange
from portfolio.digiorden import exports as digiorden_exports
from portfolio.digiorden import graph as digiorden_graph
from portfolio.digiorden import systems as digiorden


def timed(label, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"{label:<58} {time.perf_counter() - start:8.2f} s")
    return result


def big_workbook(systems: int) -> bytes:
    """A municipality's spreadsheet: `systems` systems, 3 datasets each, 2 integrations each."""
    rng = random.Random(1)
    vendors = [f"Leverandør {i} AS" for i in range(max(5, systems // 10))]
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in ("Leverandører", "Fagsystemer", "Tjenesteområder", "Datasett",
                                                       "Integrasjoner")}
    sheets["Leverandører"].append(["Navn", "Organisasjonsnummer"])
    sheets["Fagsystemer"].append(["Navn", "Leverandør", "Produkt", "Versjon", "Drift", "Systemeier", "I bruk fra",
                                  "Sikkerhetstiltak"])
    sheets["Tjenesteområder"].append(["Fagsystem", "Tjenesteområde"])
    sheets["Datasett"].append(["Navn", "Fagsystem", "Personopplysninger", "Registrerte", "Formål",
                               "Behandlingsgrunnlag", "Lagringstid"])
    sheets["Integrasjoner"].append(["Fra system", "Til system", "Til plattformtjeneste", "Data", "Metode"])
    for name in vendors:
        sheets["Leverandører"].append([name, None])
    for i in range(systems):
        name = f"System {i:04d}"
        sheets["Fagsystemer"].append([name, rng.choice(vendors), f"Produkt {i % 60}", "1.0",
                                      rng.choice(["SaaS", "Egen drift", "cloud"]), f"Eier {i % 30}", "01.01.2020",
                                      "Tofaktor" if i % 4 else None])
        for area in rng.sample(["Helse", "Skole", "Økonomi", "Arkiv", "HR og personal"], 2):
            sheets["Tjenesteområder"].append([name, area])
        for d in range(3):
            sheets["Datasett"].append([f"Datasett {d}", name, rng.choice(["none", "ordinary", "special",
                                                                          "confidential"]),
                                       "innbyggere", "Tjenesteyting", "art. 6 nr. 1 e", "5 år"])
        sheets["Integrasjoner"].append([name, f"System {(i + 1) % systems:04d}", None, f"Data {i}", "API"])
        sheets["Integrasjoner"].append([name, None, rng.choice(["svarut", "fiks-io", "Digisos"]), f"Melding {i}",
                                        "message"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main(systems: int) -> None:
    bootstrap.install(ROOMS)
    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    engine = db.make_engine(f"sqlite:///{path}")
    db.Base.metadata.create_all(engine)
    actor = system_actor("bench")
    with db.session_scope(actor=actor, eng=engine) as s:
        load_reference_data(s, actor)
        source = digiorden.organisation_for(s, "0301").id
        target = digiorden.organisation_for(s, "3203").id
    print(f"one municipality with {systems} systems, {3 * systems} datasets, {2 * systems} integrations")
    sheet = big_workbook(systems)
    with db.session_scope(actor=actor, eng=engine) as s:
        timed("import the spreadsheet into an empty municipality", digiorden_exchange.import_map, s, actor, source,
              sheet)
    with db.session_scope(actor=actor, eng=engine) as s:
        content = timed("export to Excel", digiorden_exchange.export_map, s, source, actor)
    print(f"{'  workbook size':<58} {len(content) / 1e6:8.2f} MB")
    with db.session_scope(actor=actor, eng=engine) as s:
        timed("import the export into another municipality", digiorden_exchange.import_map, s, actor, target, content)
    with db.session_scope(actor=actor, eng=engine) as s:
        result = timed("re-import the same file (nothing changes)", digiorden_exchange.import_map, s, actor, target,
                       content)
        assert result.changed == 0
    with db.session_scope(eng=engine) as s:
        timed("completeness and gaps", digiorden_analysis.completeness, s, source)
        timed("record of processing workbook", digiorden_exports.records_workbook, s, source, actor)
        timed("Archi CSV trio", digiorden_archi.archi_files, s, source, actor)
        timed("integration graph figure (layout included)", digiorden_graph.figure, s, source)

    print("\nthe sector: every municipality mapped with the demo catalogue")
    with db.session_scope(eng=engine) as s:
        numbers = [n for (n,) in s.execute(
            Organisation.__table__.select().with_only_columns(Organisation.municipality_number)
            .where(Organisation.kind == "municipality", Organisation.valid_to.is_(None)))]
    rng = random.Random(3)
    needs = list(digiorden_demo.NEEDS)
    digiorden_demo.MUNICIPALITIES = {n: rng.sample(needs, rng.randint(7, len(needs))) for n in numbers
                                     if n not in ("0301", "3203")}
    with db.session_scope(actor=actor, eng=engine) as s:
        timed(f"demo maps for {len(digiorden_demo.MUNICIPALITIES)} municipalities", digiorden_demo.load_demo, s,
              actor, rng)
    with db.session_scope(eng=engine) as s:
        summary = timed("sector summary", digiorden_analysis.sector_summary, s)
        print(f"{'  ':<58} {summary['systems']:,} systems, {summary['datasets']:,} datasets, "
              f"{summary['integrations']:,} integrations")
        timed("most used systems", digiorden_analysis.top_systems, s, 20)
        timed("top vendors", digiorden_analysis.top_vendors, s, 30)
        timed("vendor concentration per service area", digiorden_analysis.vendor_concentration, s)
        timed("platform usage matrix", digiorden_analysis.platform_usage, s)
        timed("completeness of every mapped organisation", digiorden_analysis.sector_completeness, s)
        timed("overview KPIs", digiorden_analysis.kpis, s, actor)
    print(f"database size: {path.stat().st_size / 1e6:.1f} MB; "
          f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
