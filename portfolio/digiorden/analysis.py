"""DigiOrden analysis: completeness and gaps per organisation, records of processing (GDPR art. 30),
and the cross-sector views of which systems, vendors and platform services the sector depends on.
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.appspec import Fact, Kpi
from data.formatting import number
from data.i18n import t
from data.registers.models import Organisation, Service
from data.textsearch import folded
from portfolio.digiorden import systems as digiorden
from portfolio.digiorden.models import (
    SENSITIVE,
    DoDataset,
    DoIntegration,
    DoSystem,
    DoSystemArea,
    DoVendor,
    Hosting,
    PersonalData,
    ServiceArea,
)
from portfolio.digiorden.schemas import choice_label

# rule -> (kind of item it applies to, how serious: 1 = tidy-up, 2 = important, 3 = serious)
RULES: dict[str, tuple[str, int]] = {
    "system_no_owner": ("systems", 2),
    "system_no_vendor": ("systems", 1),
    "system_no_area": ("systems", 1),
    "system_no_datasets": ("systems", 1),
    "vendor_no_org_number": ("vendors", 1),
    "dataset_no_legal_basis": ("datasets", 3),
    "dataset_no_purpose": ("datasets", 2),
    "dataset_no_subjects": ("datasets", 2),
    "dataset_no_retention": ("datasets", 2),
    "dataset_sensitive_no_security": ("datasets", 3),
    "integration_no_data": ("integrations", 1),
    "integration_retired_system": ("integrations", 2),
}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def completeness(session: Session, organisation_id: int, actor: Actor | None, today: date | None = None) -> dict:
    """Every check that applies to the map, which ones fail, and the share that pass.

    A system is checked for owner, vendor, service area and datasets; a vendor for its organisation
    number; a dataset with personal data for legal basis, purpose, data subjects and retention, and a
    special-category or confidential one also for a security measure on its system; an integration for
    the data it carries and for pointing at a system taken out of use. Checked on the map as `actor` may
    read it (see systems.map_data): without access to sensitive data, its gaps are not listed either.
    """
    return completeness_of(digiorden.map_data(session, organisation_id, actor), today)


def completeness_of(data: dict[str, list[dict]], today: date | None = None) -> dict:
    """`completeness` on a map already read (see digiorden.map_data)."""
    today = today or date.today()
    systems = {s["id"]: s for s in data["systems"]}
    with_datasets = {d["system_id"] for d in data["datasets"]}
    checks = 0
    gaps: list[dict] = []

    def check(rule: str, failed: bool, item: str, **values) -> None:
        nonlocal checks
        checks += 1
        if failed:
            kind, severity = RULES[rule]
            gaps.append({"rule": rule, "kind": kind, "severity": severity, "item": item,
                         "gap": t(f"do.rule.{rule}", **values), "fix": t(f"do.fix.{rule}")})

    for system in data["systems"]:
        check("system_no_owner", _blank(system["owner"]), system["name"])
        check("system_no_vendor", system["vendor_id"] is None, system["name"])
        check("system_no_area", not system["areas"], system["name"])
        check("system_no_datasets", system["id"] not in with_datasets, system["name"])
    for vendor in data["vendors"]:
        check("vendor_no_org_number", _blank(vendor["org_number"]), vendor["name"])
    for dataset in data["datasets"]:
        if dataset["personal_data"] == PersonalData.NONE.value:
            continue
        item = f"{dataset['name']} ({dataset['system']})"
        check("dataset_no_legal_basis", _blank(dataset["legal_basis"]), item)
        check("dataset_no_purpose", _blank(dataset["purpose"]), item)
        check("dataset_no_subjects", _blank(dataset["data_subjects"]), item)
        check("dataset_no_retention", _blank(dataset["retention"]), item)
        if dataset["personal_data"] in SENSITIVE:
            check("dataset_sensitive_no_security", _blank(systems[dataset["system_id"]]["security_measures"]), item,
                  category=choice_label(PersonalData, dataset["personal_data"]), system=dataset["system"])
    for integration in data["integrations"]:
        target = integration["to_system"] or integration["to_service_name"]
        item = f"{integration['from_system']} → {target}"
        check("integration_no_data", _blank(integration["data_carried"]), item)
        ends = [systems[i] for i in (integration["from_system_id"], integration["to_system_id"]) if i is not None]
        retired = [s["name"] for s in ends if s["in_use_to"] is not None and s["in_use_to"] < today]
        check("integration_retired_system", bool(retired), item, system=", ".join(retired) or "-")
    gaps.sort(key=lambda g: (-g["severity"], g["rule"], g["item"]))
    passed = checks - len(gaps)
    score = None if checks == 0 else Decimal(passed) / Decimal(checks)
    by_rule: dict[str, int] = {}
    for gap in gaps:
        by_rule[gap["rule"]] = by_rule.get(gap["rule"], 0) + 1
    return {
        "checks": checks, "passed": passed, "gaps": gaps, "by_rule": by_rule,
        "score": None if score is None else float(score.quantize(Decimal("0.0001"), ROUND_HALF_UP)),
        "counts": {kind: len(rows) for kind, rows in data.items()},
    }


def filter_gaps(gaps: list[dict], severities=(), kinds=()) -> list[dict]:
    """The gaps of the given severities and kinds (all of them where none are given)."""
    return [g for g in gaps if (not severities or g["severity"] in severities) and (not kinds or g["kind"] in kinds)]


def sector_completeness(session: Session) -> list[dict]:
    """The completeness score of every mapped organisation (for the sector table and the overview)."""
    maps = digiorden.all_maps(session)
    out = []
    for org in digiorden.mapped_organisations(session):
        result = completeness_of(maps[org["id"]])
        out.append({**org, "score": result["score"], "gaps": len(result["gaps"])})
    return out


# --- records of processing ----------------------------------------------------------------------------


def records_of_processing(session: Session, organisation_id: int, actor: Actor | None) -> list[dict]:
    """One record per dataset with personal data (GDPR art. 30 (1)), derived from the map.

    Purpose, categories, data subjects, legal basis and retention come from the dataset; recipients
    are the recorded ones plus where the system's integrations send data; security measures and the
    processor (the vendor) come from the system. Read as `actor` may (see systems.map_data): without
    access, the records of sensitive datasets are left out and security measures say they are restricted.
    """
    data = digiorden.map_data(session, organisation_id, actor)
    systems = {s["id"]: s for s in data["systems"]}
    vendors = {v["name"]: v for v in data["vendors"]}
    flows: dict[int, list[str]] = {}
    for integration in data["integrations"]:
        target = integration["to_system"] or t("do.records.platform_service", name=integration["to_service_name"])
        what = f" ({integration['data_carried']})" if integration["data_carried"] else ""
        flows.setdefault(integration["from_system_id"], []).append(f"{target}{what}")
    not_recorded = t("do.not_recorded")
    records = []
    for dataset in data["datasets"]:
        if dataset["personal_data"] == PersonalData.NONE.value:
            continue
        system = systems[dataset["system_id"]]
        vendor = vendors.get(system["vendor"]) if system["vendor"] else None
        processor = None
        if vendor is not None:
            processor = vendor["name"] + (f" ({vendor['org_number']})" if vendor["org_number"] else "")
        security = t("do.restricted") if system.get("security_hidden") else system["security_measures"] or not_recorded
        records.append({
            "processing": dataset["name"],
            "system": system["name"],
            "service_areas": ", ".join(choice_label(ServiceArea, a) for a in system["areas"]) or not_recorded,
            "purpose": dataset["purpose"] or not_recorded,
            "personal_data": choice_label(PersonalData, dataset["personal_data"]),
            "data_categories": dataset["data_categories"] or not_recorded,
            "data_subjects": dataset["data_subjects"] or not_recorded,
            "legal_basis": dataset["legal_basis"] or not_recorded,
            "recipients": dataset["recipients"] or not_recorded,
            "data_flows": "; ".join(flows.get(system["id"], [])) or t("do.records.no_flows"),
            "retention": dataset["retention"] or not_recorded,
            "security_measures": f"{security} ({t('do.col.hosting').lower()}: "
                                 f"{choice_label(Hosting, system['hosting']).lower()})",
            "processor": processor or not_recorded,
            "complete": all(not _blank(dataset[f]) for f in ("purpose", "data_subjects", "legal_basis", "retention"))
            and (dataset["personal_data"] not in SENSITIVE or not _blank(system["security_measures"])),
        })
    return records


RECORD_COLUMNS = ("processing", "system", "service_areas", "purpose", "personal_data", "data_categories",
                  "data_subjects", "legal_basis", "recipients", "data_flows", "retention", "security_measures",
                  "processor")


# --- across organisations (SQL aggregates) -----------------------------------------------------------------


def _product_key():
    return func.coalesce(func.nullif(DoSystem.product, ""), DoSystem.name)


def _vendor_keys():
    """(vendor_id, vendor_key, name, org_number) for every vendor row. The key matches the same vendor across
    organisations: its organisation number, or the number another organisation recorded for the same name,
    or else the name itself."""
    lowered = folded(DoVendor.name)
    numbers = (select(lowered.label("lname"), func.max(DoVendor.org_number).label("number"))
               .group_by(lowered).subquery())
    return (
        select(DoVendor.id.label("vendor_id"),
               func.coalesce(DoVendor.org_number, numbers.c.number, lowered).label("vendor_key"),
               DoVendor.name.label("name"), func.coalesce(DoVendor.org_number, numbers.c.number).label("org_number"))
        .join(numbers, numbers.c.lname == lowered)
        .subquery()
    )


def sector_summary(session: Session) -> dict[str, int]:
    def count(expression, *where):
        query = select(expression)
        for condition in where:
            query = query.where(condition)
        return session.scalar(query) or 0

    return {
        "organisations": count(func.count(distinct(DoSystem.organisation_id))),
        "systems": count(func.count(DoSystem.id)),
        "vendors": count(select(func.count(distinct(_vendor_keys().c.vendor_key))).scalar_subquery()),
        "datasets": count(func.count(DoDataset.id)),
        "sensitive_datasets": count(func.count(DoDataset.id), DoDataset.personal_data.in_(SENSITIVE)),
        "integrations": count(func.count(DoIntegration.id)),
        "platform_integrations": count(func.count(DoIntegration.id), DoIntegration.to_service_id.is_not(None)),
    }


def sensitive_without_security(session: Session) -> int:
    return session.scalar(
        select(func.count(DoDataset.id))
        .join(DoSystem, DoSystem.id == DoDataset.system_id)
        .where(DoDataset.personal_data.in_(SENSITIVE),
               func.coalesce(func.trim(DoSystem.security_measures), "") == "")
    ) or 0


def top_systems(session: Session, limit: int = 20) -> list[dict]:
    """Products in use by the most organisations, with their vendor(s) and the service areas they support."""
    product = _product_key().label("product")
    rows = session.execute(
        select(product, func.max(DoVendor.name).label("vendor"),
               func.count(distinct(DoSystem.organisation_id)).label("organisations"),
               func.count(DoSystem.id).label("systems"))
        .outerjoin(DoVendor, DoVendor.id == DoSystem.vendor_id)
        .group_by(product)
        .order_by(func.count(distinct(DoSystem.organisation_id)).desc(), product)
        .limit(limit)
    )
    out = [dict(r._mapping) for r in rows]
    areas: dict[str, set[str]] = {}
    for name, area in session.execute(
        select(_product_key(), DoSystemArea.area).join(DoSystemArea, DoSystemArea.system_id == DoSystem.id).distinct()
    ):
        areas.setdefault(name, set()).add(area)
    for row in out:
        row["areas"] = ", ".join(sorted(choice_label(ServiceArea, a) for a in areas.get(row["product"], ())))
    return out


def top_vendors(session: Session, limit: int = 20) -> list[dict]:
    """Vendors the most organisations depend on (matched by organisation number, else by name)."""
    keys = _vendor_keys()
    rows = session.execute(
        select(keys.c.vendor_key, func.max(keys.c.name).label("vendor"), func.max(keys.c.org_number).label("org_number"),
               func.count(distinct(DoSystem.organisation_id)).label("organisations"),
               func.count(DoSystem.id).label("systems"))
        .join(DoSystem, DoSystem.vendor_id == keys.c.vendor_id)
        .group_by(keys.c.vendor_key)
        .order_by(func.count(distinct(DoSystem.organisation_id)).desc(), func.max(keys.c.name))
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def vendor_concentration(session: Session) -> list[dict]:
    """Per service area: how many organisations use each vendor there, the top vendor's share and the
    Herfindahl-Hirschman index (0-10 000; above 2 500 is highly concentrated)."""
    keys = _vendor_keys()
    rows = session.execute(
        select(DoSystemArea.area, keys.c.vendor_key, func.max(keys.c.name).label("vendor"),
               func.count(distinct(DoSystem.organisation_id)).label("organisations"))
        .join(DoSystem, DoSystem.id == DoSystemArea.system_id)
        .join(keys, keys.c.vendor_id == DoSystem.vendor_id)
        .group_by(DoSystemArea.area, keys.c.vendor_key)
    )
    by_area: dict[str, list] = {}
    for row in rows:
        by_area.setdefault(row.area, []).append(row)
    out = []
    for area, vendors in by_area.items():
        total = sum(v.organisations for v in vendors)
        shares = sorted(((Decimal(v.organisations) / total, v.vendor, v.organisations) for v in vendors),
                        key=lambda s: (-s[0], s[1]))
        hhi = sum(share * share for share, _, _ in shares) * 10000
        out.append({
            "area": area, "area_label": choice_label(ServiceArea, area), "vendors": len(vendors),
            "top_vendor": shares[0][1], "top_share": float(shares[0][0]),
            "hhi": int(hhi.quantize(Decimal(1), ROUND_HALF_UP)),
            "shares": [{"vendor": name, "organisations": n, "share": float(s)} for s, name, n in shares],
        })
    out.sort(key=lambda r: (-r["hhi"], r["area_label"]))
    return out


def platform_usage(session: Session) -> list[dict]:
    """Which organisations integrate with which platform service (number of integrations)."""
    rows = session.execute(   # per organisation id (two municipalities are called Herøy); names for display
        select(Organisation.id.label("organisation_id"), Organisation.org_number,
               Organisation.municipality_number, Organisation.name.label("organisation"),
               Service.code.label("service"), Service.name.label("service_name"),
               func.count(DoIntegration.id).label("integrations"))
        .join(Organisation, Organisation.id == DoIntegration.organisation_id)
        .join(Service, Service.id == DoIntegration.to_service_id)
        .group_by(Organisation.id, Organisation.org_number, Organisation.municipality_number, Organisation.name,
                  Service.code, Service.name)
        .order_by(Organisation.name, Organisation.id, Service.name)
    )
    return [dict(r._mapping) for r in rows]


def service_integration_counts(session: Session, service_code: str) -> tuple[int, int]:
    """(organisations, integrations) recorded against one platform service."""
    row = session.execute(
        select(func.count(distinct(DoIntegration.organisation_id)), func.count(DoIntegration.id))
        .join(Service, Service.id == DoIntegration.to_service_id)
        .where(Service.code == service_code)
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def hosting_mix(session: Session) -> list[dict]:
    rows = session.execute(select(DoSystem.hosting, func.count(DoSystem.id)).group_by(DoSystem.hosting))
    return [{"hosting": h, "label": choice_label(Hosting, h), "systems": n} for h, n in rows]


def personal_data_mix(session: Session, organisation_id: int | None = None) -> list[dict]:
    query = select(DoDataset.personal_data, func.count(DoDataset.id)).group_by(DoDataset.personal_data)
    if organisation_id is not None:
        query = query.where(DoDataset.organisation_id == organisation_id)
    order = [p.value for p in PersonalData]
    rows = sorted(session.execute(query), key=lambda r: order.index(r[0]))
    return [{"personal_data": p, "label": choice_label(PersonalData, p), "datasets": n} for p, n in rows]



# --- for the leader's overview and the service sheet ----------------------------------------------------------


def kpis(session: Session, actor) -> list:
    summary = sector_summary(session)
    return [
        Kpi(t("do.kpi.organisations"), number(summary["organisations"]), t("do.kpi.organisations_help")),
        Kpi(t("do.kpi.systems"), number(summary["systems"]), t("do.kpi.systems_help", vendors=summary["vendors"])),
        Kpi(t("do.kpi.sensitive_unprotected"), number(sensitive_without_security(session)),
            t("do.kpi.sensitive_unprotected_help")),
    ]


def service_facts(session: Session, service_code: str) -> list:
    organisations, integrations = service_integration_counts(session, service_code)
    if not integrations:
        return []
    return [Fact(t("do.fact.organisations"), number(organisations)),
            Fact(t("do.fact.integrations"), number(integrations))]
