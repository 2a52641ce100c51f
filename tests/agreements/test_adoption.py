"""Adoption figures on a small hand-made data set."""
from datetime import date

from agreements import adoption
from tests.agreements.helpers import add_appendix, county_municipality, municipality, sign_main


def _data(session):
    oslo, bergen, tromso, utsira = (municipality(session, n) for n in ("0301", "4601", "5501", "1151"))
    vestland = county_municipality(session, "46")
    for org in (oslo, bergen, tromso, utsira, vestland):
        sign_main(session, org, date(2010, 1, 1))
    add_appendix(session, oslo, "svarut", date(2014, 1, 1))
    add_appendix(session, bergen, "svarut", date(2015, 7, 1), date(2020, 12, 31))
    add_appendix(session, bergen, "svarut", date(2021, 1, 1), version="2.0")
    add_appendix(session, tromso, "svarut", date(2018, 1, 1), date(2022, 6, 30))
    add_appendix(session, utsira, "svarut", date(2023, 1, 1), status="draft")
    add_appendix(session, vestland, "svarut", date(2019, 1, 1))
    add_appendix(session, tromso, "digisos", date(2020, 1, 1))
    return oslo, bergen, tromso, utsira, vestland


def test_adoption_by_service_counts_shares_and_population(session):
    oslo, bergen, tromso, utsira, vestland = _data(session)
    totals = adoption.totals(session, date(2024, 1, 1))
    assert totals["municipality"]["count"] == 357 and totals["county_municipality"]["count"] == 14
    rows = {r["service_code"]: r for r in adoption.adoption_by_service(session, date(2024, 1, 1))}
    svarut = rows["svarut"]
    assert (svarut["municipalities"], svarut["county_municipalities"]) == (2, 1)
    assert svarut["population"] == oslo.population + bergen.population
    assert svarut["municipality_share"] == 2 / 357
    assert svarut["county_municipality_share"] == 1 / 14
    assert svarut["population_share"] == (oslo.population + bergen.population) / totals["municipality"]["population"]
    assert (rows["digisos"]["municipalities"], rows["digisos"]["population"]) == (1, tromso.population)
    assert rows["minside"]["municipalities"] == 0
    # in 2019 Tromsø still used SvarUt (and Bergen's first appendix was in force)
    earlier = {r["service_code"]: r for r in adoption.adoption_by_service(session, date(2019, 6, 1))}
    assert earlier["svarut"]["municipalities"] == 3


def test_adoption_by_county_and_trend_and_non_adopters(session):
    oslo, bergen, tromso, utsira, vestland = _data(session)
    counties = {r["number"]: r for r in adoption.adoption_by_county(session, "svarut", date(2024, 1, 1))}
    assert (counties["03"]["municipalities"], counties["03"]["municipalities_total"]) == (1, 1)
    assert counties["03"]["municipality_share"] == 1.0 and counties["03"]["county_municipality"] is False
    assert counties["46"]["municipalities"] == 1 and counties["46"]["county_municipality"] is True
    assert counties["46"]["population"] == bergen.population
    assert counties["55"]["municipalities"] == 0 and counties["55"]["population_share"] == 0
    assert sum(r["municipalities_total"] for r in counties.values()) == 357

    days = [date(2013, 12, 31), date(2015, 12, 31), date(2018, 12, 31), date(2020, 12, 31), date(2021, 1, 1),
            date(2023, 12, 31)]
    trend = adoption.adoption_trend(session, "svarut", days)
    assert [(p["day"], p["municipalities"], p["county_municipalities"]) for p in trend] == [
        (date(2013, 12, 31), 0, 0), (date(2015, 12, 31), 2, 0), (date(2018, 12, 31), 3, 0),
        (date(2020, 12, 31), 3, 1), (date(2021, 1, 1), 3, 1), (date(2023, 12, 31), 2, 1)]
    assert trend[-1]["population"] == oslo.population + bergen.population

    missing = adoption.non_adopters(session, "svarut", date(2024, 1, 1))
    names = [r["name"] for r in missing]
    assert "Oslo" not in names and "Bergen" not in names and "Vestland fylkeskommune" not in names
    assert "Tromsø" in names and "Utsira" in names       # ended, and only a draft
    assert len(missing) == 357 + 14 - 3
    utsira_row = next(r for r in missing if r["name"] == "Utsira")
    assert utsira_row["main_status"] == "signed"
    assert missing[0]["population"] >= missing[1]["population"]  # largest first


def test_quarter_ends():
    assert adoption.quarter_ends(date(2024, 2, 10), date(2024, 11, 5)) == [
        date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 11, 5)]


def test_summary_for_the_overview(session):
    oslo, bergen, tromso, *_ = _data(session)
    add_appendix(session, oslo, "digisos", date(2020, 1, 1))
    summary = adoption.adoption_summary(session, date(2024, 1, 1))
    assert summary["municipalities"] == 3  # Oslo and Bergen (SvarUt), Tromsø (Digisos)
    assert summary["population"] == oslo.population + bergen.population + tromso.population
    assert summary["services_per_municipality"] == 4 / 3
