"""Single sign-on settings read from .streamlit/secrets.toml (see README, "Single sign-on").

    [auth]                     # Streamlit's own OIDC settings (st.login)
    redirect_uri = "http://127.0.0.1:8501/oauth2callback"
    cookie_secret = "..."
    client_id = "..."
    client_secret = "..."
    server_metadata_url = "https://login.example/.well-known/openid-configuration"

    [backoffice_sso]
    label = "Entra ID"         # text on the button
    claim = "groups"           # the claim that carries group or role names
    [backoffice_sso.role_mapping]
    "bo-admins" = ["admin"]
    "bo-finance" = ["finance", "leader"]
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SsoSettings:
    label: str = "SSO"
    claim: str = "groups"
    provider: str | None = None
    role_mapping: dict[str, list[str]] = field(default_factory=dict)


def parse_sso_settings(secrets: dict) -> SsoSettings | None:
    """None unless both Streamlit's [auth] and our [backoffice_sso] role mapping are configured."""
    auth = secrets.get("auth")
    config = secrets.get("backoffice_sso")
    if not auth or not config or not config.get("role_mapping"):
        return None
    mapping = {str(k): [str(r) for r in (v if isinstance(v, list | tuple) else [v])]
               for k, v in dict(config["role_mapping"]).items()}
    return SsoSettings(label=str(config.get("label", "SSO")), claim=str(config.get("claim", "groups")),
                       provider=config.get("provider"), role_mapping=mapping)
