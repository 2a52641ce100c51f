"""The supplier register: organisation numbers, services and components, whom to notify of a new sub-processor,
permissions and audit (issue 23, item 2)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data.access import ROLES
from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from risk.suppliers import register
from risk.suppliers.models import Supplier, SupplierService
from tests.agreements.helpers import add_appendix, municipality, sign_main
from tests.conftest import make_actor

SECURITY = make_actor("security", username="siri")
OPERATIONS = {"name": "Driftsleverandør AS", "org_number": "974 760 673", "country": "NO",
              "data_location": "Norge", "delivers": "Plattformdrift", "processes_personal_data": True,
              "services": ["svarut"], "components": ["dokumentlager"]}


def test_a_norwegian_supplier_needs_a_valid_organisation_number_a_foreign_one_may_lack_it(session):
    saved = register.save_supplier(session, SECURITY, OPERATIONS)
    assert saved.supplier.org_number == "974760673"      # spaces removed, mod-11 check digit holds
    with pytest.raises(ValidationFailed) as bad:
        register.save_supplier(session, SECURITY, {**OPERATIONS, "org_number": "974760674"})
    assert bad.value.errors[0].field == "org_number"
    assert "974760674" in bad.value.errors[0].message
    with pytest.raises(ValidationFailed, match="En norsk leverandør må ha organisasjonsnummer"):
        register.save_supplier(session, SECURITY, {**OPERATIONS, "org_number": ""})
    foreign = register.save_supplier(session, SECURITY, {"name": "Varsler AB", "country": "se",
                                                         "processes_personal_data": True, "services": ["minside"]})
    assert (foreign.supplier.country, foreign.supplier.org_number) == ("SE", None)
    with pytest.raises(BackofficeError, match="Organisasjonsnummer 974760673 er allerede registrert"):
        register.save_supplier(session, SECURITY, {**OPERATIONS, "name": "Kopi AS"})
    with pytest.raises(BackofficeError, match="Ukjente tjenester: finnes-ikke"):
        register.save_supplier(session, SECURITY, {**OPERATIONS, "org_number": "", "country": "DK",
                                                   "services": ["finnes-ikke"]})
    assert session.scalar(select(Supplier.name).where(Supplier.country == "DK")) is None


def test_adding_a_sub_processor_lists_the_organisations_with_an_appendix_in_force(session):
    users = []
    for number, end in (("0301", None), ("4601", None), ("5501", date(2023, 12, 31))):
        org = municipality(session, number)
        sign_main(session, org)
        add_appendix(session, org, "svarut", date(2020, 1, 1), end=end)
        users.append(org)
    saved = register.save_supplier(session, SECURITY, OPERATIONS)
    [notice] = saved.notify
    assert (notice.service_code, notice.service) == ("svarut", "SvarUt")
    assert [o.name for o in notice.organisations] == ["Bergen", "Oslo"]      # Tromsø's appendix has ended
    assert notice.organisations[0].org_number == users[1].org_number
    supplier = saved.supplier
    # the same services again: nobody new to tell; a new service: only its users
    again = register.save_supplier(session, SECURITY, OPERATIONS, supplier_id=supplier.id,
                                   expected_version=supplier.version)
    assert again.notify == []
    more = register.save_supplier(session, SECURITY, {**OPERATIONS, "services": ["svarut", "digisos"]},
                                  supplier_id=supplier.id, expected_version=supplier.version)
    assert [(n.service_code, n.organisations) for n in more.notify] == [("digisos", [])]
    # a supplier that starts processing personal data is a new sub-processor of all its services
    plain = register.save_supplier(session, SECURITY, {**OPERATIONS, "name": "Konsulent AS", "org_number": "",
                                                       "country": "GB", "processes_personal_data": False})
    assert plain.notify == []
    became = register.save_supplier(session, SECURITY, {**OPERATIONS, "name": "Konsulent AS", "org_number": "",
                                                        "country": "GB"},
                                    supplier_id=plain.supplier.id, expected_version=plain.supplier.version)
    assert [n.service_code for n in became.notify] == ["svarut"]
    assert [r["name"] for r in register.subprocessors(session, "svarut")] == ["Driftsleverandør AS", "Konsulent AS"]
    assert register.subprocessors(session, "svarut")[0]["components"] == "Dokumentlager"


def test_services_and_components_are_replaced_and_listed_by_name(session):
    supplier = register.save_supplier(session, SECURITY, {**OPERATIONS, "services": ["svarut", "fiks-io"],
                                                          "components": ["print", "dokumentlager"]}).supplier
    [row] = register.supplier_rows(session)
    assert (row["services"], row["components"]) == ("Fiks IO, SvarUt", "Dokumentlager, Print")
    register.save_supplier(session, SECURITY, {**OPERATIONS, "services": ["digisos"], "components": []},
                           supplier_id=supplier.id, expected_version=supplier.version)
    [row] = register.supplier_rows(session)
    assert (row["services"], row["components"], row["service_codes"]) == ("Digisos", "", ["digisos"])
    assert register.supplier_rows(session, service_code="svarut") == []
    assert register.supplier_rows(session, search="drift")[0]["name"] == "Driftsleverandør AS"
    facts = register.service_facts(session, "digisos")
    assert [(f.label, f.value) for f in facts] == [("Underdatabehandlere (1)", "Driftsleverandør AS (NO, Norge)")]


def test_only_security_writes_suppliers_and_the_writes_are_audited(session):
    for role in ROLES:
        if role == "security":
            continue
        with pytest.raises(PermissionDenied):
            register.save_supplier(session, make_actor(role, owned=("svarut",)), OPERATIONS)
    assert session.scalar(select(Supplier.id)) is None
    session.info["actor"] = SECURITY
    supplier = register.save_supplier(session, SECURITY, OPERATIONS).supplier
    session.flush()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.table_name.in_(("supplier", "supplier_service")))
                              .order_by(AuditEntry.seq)).all()
    assert [(e.table_name, e.action, e.actor) for e in entries] == [("supplier", "insert", "siri"),
                                                                     ("supplier_service", "insert", "siri")]
    with pytest.raises(PermissionDenied):
        register.delete_supplier(session, make_actor("leader"), supplier.id)
    register.delete_supplier(session, SECURITY, supplier.id, expected_version=supplier.version)
    assert session.scalar(select(SupplierService.supplier_id)) is None
