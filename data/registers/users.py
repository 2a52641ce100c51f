"""Users, password sign-in with lock-out, and turning a user into an Actor."""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator
from sqlalchemy import case, func, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from data.access import ROLES, Actor
from data.audit import SIGN_IN, SIGN_IN_FAILED
from data.crud import ensure_version, scalar_or_raise
from data.db import utcnow
from data.errors import BackofficeError, validate
from data.i18n import t
from data.locking import refusing_duplicates, unique_key
from data.registers.models import Service, User, UserRole
from data.textsearch import equals_folded

MAX_FAILED_SIGN_INS = 5
LOCK_OUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).resolve().parents[1] / "reference" / "common_passwords.txt"

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
    def _strong_enough(cls, value, info: ValidationInfo):
        if value is not None:
            check_password_strength(value, info.data.get("username"))
        return value


def check_password_strength(password: str, username: str | None = None) -> None:
    """The password policy (stated on the account page): at least 12 characters, not containing the
    user name, not on the shipped list of common passwords. Raises ValueError with the plain reason."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(t("user.password_too_short", length=MIN_PASSWORD_LENGTH))
    if username and username.strip().casefold() in password.casefold():
        raise ValueError(t("user.password_contains_username"))
    if password.strip().lower() in common_passwords():
        raise ValueError(t("user.password_too_common"))


@functools.cache
def common_passwords() -> frozenset[str]:
    """data/reference/common_passwords.txt: its header (which names the source), an empty line, the list."""
    listed = COMMON_PASSWORDS.read_text(encoding="utf-8").split("\n\n", 1)[1]
    return frozenset(line.strip() for line in listed.splitlines() if line.strip())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def generate_password(username: str | None = None) -> str:
    """A one-time password (16 random characters) that meets the policy it asks its user to meet."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            check_password_strength(password, username)
        except ValueError:
            continue
        return password


def get_user(session: Session, username: str) -> User:
    return scalar_or_raise(session, select(User).where(equals_folded(User.username, username)), "user.not_found",
                           username=username)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


USERNAME_ONCE = unique_key(User, "uq_app_user_username")


def _username_taken(username: str) -> BackofficeError:
    return BackofficeError(t("user.exists", username=username))


def _check_username_free(session: Session, username: str) -> None:
    if session.scalar(select(User.id).where(equals_folded(User.username, username))):
        raise _username_taken(username)


def create_user(session: Session, actor: Actor, payload) -> User:
    actor.require("users.write")
    data = validate(UserIn, payload)
    _check_username_free(session, data.username)
    user = User(
        username=data.username,
        full_name=data.full_name,
        email=str(data.email) if data.email else None,
        password_hash=hash_password(data.password) if data.password else None,
        must_change_password=bool(data.password),  # set by an admin: the user replaces it at first sign-in
        role_rows=[UserRole(role=r) for r in data.roles],
    )
    with refusing_duplicates(session, (USERNAME_ONCE,), lambda: _username_taken(data.username)):
        session.add(user)
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
    """A user setting their own password clears "must change"; anyone else's setting it (an admin's
    new or reset password) makes it a one-time password, to be replaced at the next sign-in."""
    own = actor.username.lower() == username.lower()
    if not own:
        actor.require("users.write")
    user = get_user(session, username)
    try:
        check_password_strength(password, user.username)
    except ValueError as exc:
        raise BackofficeError(str(exc)) from exc
    if own and user.password_hash and _matches(user.password_hash, password):
        raise BackofficeError(t("user.password_unchanged"))
    user.password_hash = hash_password(password)
    user.must_change_password = not own
    user.failed_sign_ins = 0
    user.locked_until = None
    session.flush()
    return user


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def must_change_password(session: Session, actor: Actor | None) -> bool:
    """True while the signed-in user still has a one-time password: the app then shows only the form to change it."""
    if actor is None or actor.user_id is None:
        return False
    return bool(session.scalar(select(User.must_change_password).where(User.id == actor.user_id)))


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
    if not user.active or (user.locked_until and user.locked_until > now):
        # Answered like a wrong password, after the same work: a message of its own would tell that the name
        # exists (and, for a lock-out, whether a guess was right). The sign-in page states the lock-out rule.
        _hasher_dummy_verify(password)
        return SignIn(None, generic)
    # The sign-in bookkeeping is written with one UPDATE each, not through the versioned row: two sign-ins
    # of one user at the same moment then both count (no lost failure) and neither meets a version conflict.
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        failures = func.coalesce(User.failed_sign_ins, 0) + 1
        reached = failures >= MAX_FAILED_SIGN_INS
        _update_sign_in(session, user, SIGN_IN_FAILED, failed_sign_ins=case((reached, 0), else_=failures),
                        locked_until=case((reached, literal(now + LOCK_OUT, User.locked_until.type)),
                                          else_=User.locked_until))
        return SignIn(None, generic)
    changes = {"failed_sign_ins": 0, "locked_until": None, "last_sign_in": now}
    if _hasher.check_needs_rehash(user.password_hash):
        changes["password_hash"] = hash_password(password)
    _update_sign_in(session, user, SIGN_IN, **changes)
    return SignIn(actor_for(session, user))


def _update_sign_in(session: Session, user: User, action: str, **values) -> None:
    """One atomic UPDATE of the user's sign-in columns (the version is left alone: no one's edit is stale).
    Audited under its own action name, so the pages' caches, keyed on the last data change, stay warm
    across a sign-in (data/pages/common.write_mark)."""
    session.execute(update(User).where(User.id == user.id).values(**values),
                    execution_options={"synchronize_session": "fetch", "audit_action": action})


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
    """On a database without users, create `admin` with a one-time password and return it (once)."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    password = generate_password("admin")
    session.add(User(username="admin", full_name="Administrator", password_hash=hash_password(password),
                     must_change_password=True, role_rows=[UserRole(role="admin")]))
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
