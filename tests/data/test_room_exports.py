"""The downloads the metering, support and organisation pages offer, produced from the CLI: each command
writes the same workbook the page does, and the CSV export never lets a name run as a formula."""
import csv
import json
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin.cli import main
from data import db
from data.registers.models import Organisation

HEADER = ("Ticket ID,Subject,Status,Priority,Source,Type,Group,Agent,Created time,Resolved time,Closed time,"
          "Last update time,Company,Tags\n")
TICKETS = HEADER + (
    "101,Brev ikke levert,Open,High,Email,Incident,Brukerstøtte,Kari,2026-03-02 09:15:00,,,2026-03-02 10:00:00,"
    "Bergen,svarut\n"
    "102,Søknad henger,Resolved,Medium,Portal,Question,Digisos-teamet,Ola,2026-03-05 08:00:00,"
    "2026-03-05 20:00:00,,2026-03-05 20:00:00,Ålesund,digisos\n"
    "103,Spørsmål om pris,Closed,Low,Phone,Question,Brukerstøtte,Kari,2026-04-01 12:00:00,2026-04-03 12:00:00,"
    "2026-04-06 12:00:00,2026-04-06 12:00:00,Ukjent AS,faktura\n"
)


def sheets(path) -> list[list[list]]:
    """Every sheet of the workbook as rows of values (formulas as written)."""
    workbook = load_workbook(path)
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]


def shipment(event_id: str, subject: str, quantity: int) -> dict:
    return {"specversion": "1.0", "id": event_id, "source": "svarut", "type": "svarut.shipment", "subject": subject,
            "time": "2025-01-05T10:00:00Z", "data": {"quantity": quantity}}


def ingest(tmp_path, *events) -> None:
    assert main(["meter", "meters", "load-defaults"]) == 0
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(event) + "\n" for event in events), encoding="utf-8")
    assert main(["meter", "ingest", str(path)]) == 0


def test_meter_export_writes_the_usage_workbook(db_url, tmp_path, capsys):
    ingest(tmp_path, shipment("a", "0301", 3), shipment("b", "4601", 5), shipment("c", "4601", 2))
    out = tmp_path / "forbruk.xlsx"
    assert main(["meter", "export", "--service", "svarut", "--from", "2025-01", "--to", "2025-01",
                 "-o", str(out)]) == 0
    assert f"2 rader skrevet til {out}" in capsys.readouterr().out
    [usage] = sheets(out)
    assert usage[0] == ["Måned", "Organisasjonsnummer", "Virksomhet", "Tjeneste", "Måler", "Enhet", "Forbruk",
                        "Hendelser", "Sent forbruk"]
    assert usage[1] == [datetime(2025, 1, 1), "964338531", "Bergen", "svarut", "svarut.shipment", "forsendelser", 7, 2, 0]
    assert usage[2][2:] == ["Oslo", "svarut", "svarut.shipment", "forsendelser", 3, 1, 0]
    assert usage[3][0] == "Sum" and usage[3][6] == "=SUBTOTAL(9,G2:G3)"


def test_meter_usage_csv_neutralises_names_that_look_like_formulas(db_url, tmp_path):
    with db.session_scope() as s:
        s.scalar(select(Organisation).where(Organisation.municipality_number == "0301")).name = '=HYPERLINK("x")'
    ingest(tmp_path, shipment("a", "0301", 3))
    out = tmp_path / "usage.csv"
    assert main(["meter", "usage", "--from", "2025-01", "--to", "2025-01", "--csv", str(out)]) == 0
    header, row = csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    assert header[:4] == ["month", "org_number", "municipality_number", "organisation"]
    assert row == ["2025-01", "958935420", "0301", "'=HYPERLINK(\"x\")", "svarut", "svarut.shipment", "forsendelser", "3", "1", "0"]


@pytest.fixture
def imported(db_url, tmp_path):
    export = tmp_path / "tickets.csv"
    export.write_text(TICKETS, encoding="utf-8")
    assert main(["support", "import", str(export)]) == 0


def test_support_export_tickets(imported, tmp_path, capsys):
    out = tmp_path / "henvendelser.xlsx"
    assert main(["support", "export", "tickets", "-o", str(out)]) == 0
    assert f"Skrev {out}" in capsys.readouterr().out
    [tickets] = sheets(out)
    assert tickets[0][:3] == ["Ticket ID", "Emne", "Status"]
    assert [row[0] for row in tickets[1:]] == [103, 102, 101]          # newest first
    assert tickets[1] == [103, "Spørsmål om pris", "Lukket", "Lav", None, "Ukjent AS",
                          datetime(2026, 4, 1, 12, 0), datetime(2026, 4, 3, 12, 0), "Kari", "Nei"]
    assert tickets[3][4:7] == ["svarut", "Bergen", datetime(2026, 3, 2, 9, 15)]   # Norwegian wall-clock time

    assert main(["support", "export", "tickets", "--status", "open", "-o", str(out)]) == 0
    assert [row[0] for row in sheets(out)[0][1:]] == [101]


def test_support_export_stats(imported, tmp_path):
    out = tmp_path / "tall.xlsx"
    assert main(["support", "export", "stats", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(out)]) == 0
    volume, resolution, top = sheets(out)
    assert volume[0] == ["Måned", "Tjeneste", "Henvendelser"]
    assert volume[1:4] == [["2026-03", "Digisos", 1], ["2026-03", "SvarUt", 1], ["2026-04", "Uten tjeneste", 1]]
    assert volume[4] == ["Sum", None, "=SUBTOTAL(9,C2:C4)"]
    assert ["Digisos", 1, 12.0, 1.0, 1.0] in resolution
    assert sorted(row[1] for row in top[1:]) == ["Bergen", "Ukjent AS", "Ålesund"]   # grouped by organisation
    numbers = {row[1]: row[0] for row in top[1:]}
    assert numbers["Bergen"] == "964338531" and numbers["Ukjent AS"] is None       # the key column, then the name


def test_orgs_export_writes_the_register_with_the_page_filters(db_url, tmp_path, capsys):
    out = tmp_path / "virksomheter.xlsx"
    assert main(["orgs", "export", "--kind", "municipality", "--search", "Bergen", "-o", str(out)]) == 0
    assert f"1 virksomheter skrevet til {out}" in capsys.readouterr().out
    [register] = sheets(out)
    assert register[0] == ["Organisasjonsnummer", "Offisielt navn", "Norsk navn", "Type", "Kommunenummer", "Fylke",
                           "Innbyggere", "Gyldig fra", "Gyldig til", "Kontakt-e-post"]
    assert register[1][:7] == ["964338531", "Bergen", "Bergen", "Kommune", "4601", "Vestland", 291940]
    assert register[2][0] == "Sum" and register[2][6] == "=SUBTOTAL(9,G2:G2)"
