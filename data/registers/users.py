"""Users, password sign-in with lock-out, and turning a user into an Actor."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from data.access import ROLES, Actor
from data.crud import ensure_version, scalar_or_raise
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.i18n import t
from data.registers.models import Service, User, UserRole
from data.textsearch import equals_folded

MAX_FAILED_SIGN_INS = 5
LOCK_OUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


class UserIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(pattern=r"^[a-zA-Z0-9._@-]{2,80}$")
    full_name: str = Field(default="", max_length=200)
    email: EmailStr | None = None
    roles: list[str] = Field(min_length=1)
    password: str | None = None

    @field_validator("email", mode="before")
    @classmethod
    def _blank(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles):
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            raise ValueError(t("user.unknown_role", roles=", ".join(unknown), known=", ".join(ROLES)))
        return sorted(set(roles))

    @field_validator("password")
    @classmethod
    def _strong_enough(cls, value):
        if value is not None:
            check_password_strength(value)
        return value


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(t("user.password_too_short", length=MIN_PASSWORD_LENGTH))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def get_user(session: Session, username: str) -> User:
    return scalar_or_raise(session, select(User).where(equals_folded(User.username, username)), "user.not_found",
                           username=username)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def create_user(session: Session, actor: Actor, payload) -> User:
    actor.require("users.write")
    data = validate(UserIn, payload)
    if session.scalar(select(User.id).where(equals_folded(User.username, data.username))):
        raise BackofficeError(t("user.exists", username=data.username))
    user = User(
        username=data.username,
        full_name=data.full_name,
        email=str(data.email) if data.email else None,
        password_hash=hash_password(data.password) if data.password else None,
        role_rows=[UserRole(role=r) for r in data.roles],
    )
    session.add(user)
    session.flush()
    return user


def set_roles(session: Session, actor: Actor, username: str, roles: list[str],
              expected_version: int | None = None) -> User:
    actor.require("users.write")
    try:
        roles = UserIn._known_roles(roles)
    except ValueError as exc:
        raise BackofficeError(str(exc)) from exc
    if not roles:
        raise BackofficeError(t("user.needs_role"))
    user = get_user(session, username)
    ensure_version(user, expected_version, user.username)
    if user.username == actor.username and "admin" in user.roles and "admin" not in roles:
        raise BackofficeError(t("user.cannot_remove_own_admin"))
    user.role_rows = [UserRole(role=r) for r in roles]
    flag_modified(user, "full_name")  # roles are child rows: move the user's version too
    session.flush()
    return user


def set_password(session: Session, actor: Actor, username: str, password: str) -> User:
    if actor.username.lower() != username.lower():
        actor.require("users.write")
    try:
        check_password_strength(password)
    except ValueError as exc:
        raise BackofficeError(str(exc)) from exc
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    session.flush()
    return user


def set_active(session: Session, actor: Actor, username: str, active: bool) -> User:
    actor.require("users.write")
    user = get_user(session, username)
    if not active and user.username.lower() == actor.username.lower():
        raise BackofficeError(t("user.cannot_deactivate_self"))
    user.active = active
    session.flush()
    return user


def actor_for(session: Session, user: User) -> Actor:
    owned = frozenset(session.scalars(select(Service.code).where(Service.product_owner_id == user.id)))
    return Actor(username=user.username, roles=frozenset(user.roles), full_name=user.full_name,
                 user_id=user.id, owned_services=owned)


@dataclass
class SignIn:
    actor: Actor | None
    error: str | None = None


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> SignIn:
    """Check a password; count failures and lock the account after five in a row.

    Returns a result rather than raising, so the caller commits the failure count too.
    """
    now = now or utcnow()
    generic = t("signin.failed")
    user = session.scalar(select(User).where(equals_folded(User.username, username.strip())))
    if user is None or user.password_hash is None:
        _hasher_dummy_verify(password)
        return SignIn(None, generic)
    if not user.active:
        return SignIn(None, t("signin.deactivated"))
    if user.locked_until and user.locked_until > now:
        return SignIn(None, t("signin.locked", minutes=_minutes_left(user.locked_until, now)))
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
        if user.failed_sign_ins >= MAX_FAILED_SIGN_INS:
            user.failed_sign_ins = 0
            user.locked_until = now + LOCK_OUT
            session.flush()
            return SignIn(None, t("signin.locked", minutes=int(LOCK_OUT.total_seconds() // 60)))
        session.flush()
        return SignIn(None, generic)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in = now
    session.flush()
    return SignIn(actor_for(session, user))


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)


_DUMMY_HASH = None


def _hasher_dummy_verify(password: str) -> None:
    """Spend the same time on unknown users, so sign-in does not reveal which names exist."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not-a-real-password")
    try:
        _hasher.verify(_DUMMY_HASH, password)
    except VerificationError:
        pass


def ensure_first_admin(session: Session) -> str | None:
    """On a database without users, create `admin` with a random password and return it (once)."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    password = generate_password()
    session.add(User(username="admin", full_name="Administrator", password_hash=hash_password(password),
                     role_rows=[UserRole(role="admin")]))
    session.flush()
    return password


def actor_for_sso(session: Session, claims: dict, mapping: dict[str, list[str]], claim: str = "groups") -> Actor:
    """Map an OIDC identity's group/role claims to Backoffice roles (see README, single sign-on)."""
    roles = roles_from_claims(claims, mapping, claim)
    if not roles:
        raise BackofficeError(t("signin.sso_no_role"))
    username = str(claims.get("preferred_username") or claims.get("email") or claims.get("sub") or "")
    if not username:
        raise BackofficeError(t("signin.sso_no_identity"))
    user = session.scalar(select(User).where(equals_folded(User.username, username)))
    if user is not None and not user.active:
        raise BackofficeError(t("signin.deactivated"))
    owned: frozenset[str] = frozenset()
    user_id = None
    if user is not None:
        existing = actor_for(session, user)
        owned, user_id = existing.owned_services, user.id
    return Actor(username=username, roles=frozenset(roles), full_name=str(claims.get("name") or username),
                 user_id=user_id, owned_services=owned)


def roles_from_claims(claims: dict, mapping: dict[str, list[str]], claim: str = "groups") -> list[str]:
    """`mapping` maps a claim value (a group name) to one or more roles; unknown roles are ignored."""
    values = claims.get(claim) or []
    if isinstance(values, str):
        values = [v.strip() for v in values.replace(",", " ").split()]
    roles = set()
    for value in values:
        for role in mapping.get(str(value), []):
            if role in ROLES:
                roles.add(role)
    return sorted(roles)
