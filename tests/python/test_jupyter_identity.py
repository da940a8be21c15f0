"""The identity the Jupyter proxy asserts to the scheduler, and the secret it signs with."""

from __future__ import annotations

import getpass
import hashlib
import hmac
from types import SimpleNamespace

import pytest
from jupyter_server.auth.identity import IdentityProvider, PasswordIdentityProvider

from dofc.jupyter.identity import owner_name, request_owner, signed_identity_headers
from dofc.jupyter.settings import shared_secret


class NamedUsersProvider(IdentityProvider):
    """Stands for JupyterHub's provider, which names real users."""


def handler(provider: IdentityProvider, username: str) -> SimpleNamespace:
    return SimpleNamespace(identity_provider=provider, current_user=SimpleNamespace(username=username))


@pytest.mark.parametrize("provider", [IdentityProvider(), PasswordIdentityProvider()], ids=["token", "password"])
def test_shared_credential_server_asserts_os_user(provider: IdentityProvider) -> None:
    assert request_owner(handler(provider, "3f2a9c0d5e6b4a7c8d9e0f1a2b3c4d5e")) == owner_name(getpass.getuser())


def test_named_user_provider_asserts_jupyter_user() -> None:
    assert request_owner(handler(NamedUsersProvider(), "jo smith")) == "jo_smith"


def test_signature_covers_user_time_method_and_path() -> None:
    headers = signed_identity_headers("ana", "post", "/jobs?owner=ana", b"secret-of-sixteen", now=1767225600.9)
    expected = hmac.new(b"secret-of-sixteen", b"ana\n1767225600\nPOST\n/jobs?owner=ana", hashlib.sha256).hexdigest()
    assert headers == {"X-Dofc-User": "ana", "X-Dofc-Timestamp": "1767225600", "X-Dofc-Signature": expected}


def test_secret_from_file_is_trimmed(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "shared-secret"
    file.write_text("0123456789abcdef\n", encoding="utf-8")
    monkeypatch.delenv("DOFC_SHARED_SECRET", raising=False)
    monkeypatch.setenv("DOFC_SHARED_SECRET_FILE", str(file))
    assert shared_secret() == b"0123456789abcdef"


def test_secret_value_wins_over_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOFC_SHARED_SECRET", "from-the-environment")
    monkeypatch.setenv("DOFC_SHARED_SECRET_FILE", "/nowhere")
    assert shared_secret() == b"from-the-environment"


def test_unreadable_secret_file_names_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOFC_SHARED_SECRET", raising=False)
    monkeypatch.setenv("DOFC_SHARED_SECRET_FILE", "/nowhere/shared-secret")
    with pytest.raises(ValueError, match="DOFC_SHARED_SECRET_FILE /nowhere/shared-secret cannot be read"):
        shared_secret()
