"""Deterministic demo data: registers, one user per role, and each module's own loader (hook).

Every module hands in loaders through its DEMO list (collected by admin/modules.py); each loader
gets the session, the system actor and a seeded random generator, so two runs give the same rows.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import ROLES, Actor
from data.registers import population
from data.registers.models import Organisation, Service, User, UserRole
from data.registers.registry import load_reference_data, org_number_check_digit
from data.registers.users import hash_password

SEED = 20240101
# Demo data, not a one-time password: demo users are created here directly (not through create_user), so the
# password policy and "must change password" do not apply to them and the demo sign-ins keep working.
DEMO_PASSWORD = "demo-passord"

DEMO_USERS = {
    "admin": ("Ada Admin", ["admin"]),
    "leder": ("Lise Leder", ["leader"]),
    "okonomi": ("Øystein Økonomi", ["finance"]),
    "sikkerhet": ("Siri Sikkerhet", ["security"]),
    "produkt": ("Per Produkt", ["product_owner"]),
    "portefolje": ("Pia Portefølje", ["portfolio"]),
    "support": ("Sunniva Støtte", ["support"]),
    "arkitekt": ("Arne Arkitekt", ["architect"]),
}
# Services whose product owner is the demo product owner (the others get no owner).
DEMO_OWNED_SERVICES = ("svarut", "digisos", "minside", "fiks-io")


def generated_org_number(rng: random.Random, first: str = "9") -> str:
    while True:
        body = first + "".join(str(rng.randrange(10)) for _ in range(7))
        check = org_number_check_digit(body)
        if check is not None:
            return body + str(check)


def load(session: Session, actor: Actor, loaders: Iterable[Callable] = ()) -> None:
    rng = random.Random(SEED)
    load_reference_data(session, actor)
    _users(session)
    _org_details(session, rng)
    population.load_demo(session, actor)   # two years per organisation, before the rooms' demo reads them
    for loader in loaders:
        loader(session, actor, rng)
    session.flush()


def _users(session: Session) -> None:
    existing = set(session.scalars(select(User.username)))
    password_hash = hash_password(DEMO_PASSWORD)
    for username, (full_name, roles) in DEMO_USERS.items():
        if username in existing:
            continue
        session.add(User(username=username, full_name=full_name, email=f"{username}@backoffice.example",
                         password_hash=password_hash, role_rows=[UserRole(role=r) for r in roles]))
    session.flush()
    owner = session.scalar(select(User).where(User.username == "produkt"))
    for service in session.scalars(select(Service).where(Service.code.in_(DEMO_OWNED_SERVICES))):
        service.product_owner_id = owner.id
    assert set(ROLES) == {r for _, roles in DEMO_USERS.values() for r in roles}


def _org_details(session: Session, rng: random.Random) -> None:
    """Demo organisation numbers (valid check digits, not the real ones) and contact addresses."""
    taken = set(session.scalars(select(Organisation.org_number).where(Organisation.org_number.is_not(None))))
    for org in session.scalars(select(Organisation).order_by(Organisation.id)):
        if org.org_number is None:
            number = generated_org_number(rng)
            while number in taken:
                number = generated_org_number(rng)
            taken.add(number)
            org.org_number = number
        if org.contact_email is None:
            slug = "".join(ch for ch in org.name.lower() if ch.isalnum()) or "virksomhet"
            org.contact_email = f"postmottak@{slug}.example"


def demo_sign_ins() -> list[tuple[str, str, str]]:
    return [(u, DEMO_PASSWORD, ", ".join(r)) for u, (_, r) in DEMO_USERS.items()]
