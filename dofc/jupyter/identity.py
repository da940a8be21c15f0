"""The job owner the proxy asserts to the scheduler, and the headers that carry it."""

from __future__ import annotations

import getpass
import hashlib
import hmac
import re
import time
from typing import Any

from jupyter_server.auth.identity import IdentityProvider, LegacyIdentityProvider, PasswordIdentityProvider

USER_HEADER = "X-Dofc-User"
TIMESTAMP_HEADER = "X-Dofc-Timestamp"
SIGNATURE_HEADER = "X-Dofc-Signature"

# The scheduler accepts owners of 1 to 64 letters, digits or _ . @ -, see server/src/contract/job-spec.ts.
_OWNER_FORBIDDEN = re.compile(r"[^A-Za-z0-9_.@-]")


def owner_name(username: str) -> str:
    """Map a Jupyter username to a valid DOFC owner: forbidden characters become ``_``."""
    cleaned = _OWNER_FORBIDDEN.sub("_", username)[:64]
    return cleaned or "anonymous"


# Jupyter's own providers authenticate a shared token or password and name each browser session
# a random "Anonymous" user, so their user names identify no person. Subclasses, such as
# JupyterHub's provider, name real users and are not in this set.
_SHARED_CREDENTIAL_PROVIDERS = (IdentityProvider, PasswordIdentityProvider, LegacyIdentityProvider)


def request_owner(handler: Any) -> str:
    """Return the DOFC user a proxied request acts for.

    Under JupyterHub (or any provider that names users) it is the Jupyter user. Under a plain
    Jupyter server with a token or password it is the operating-system user running the server,
    because anyone with that token can already run code as that user, so the proxy asserts
    nothing the caller could not do anyway.
    """
    if type(handler.identity_provider) in _SHARED_CREDENTIAL_PROVIDERS:
        return owner_name(getpass.getuser())
    return owner_name(handler.current_user.username)


def signed_identity_headers(owner: str, method: str, path: str, secret: bytes | None, now: float | None = None) -> dict[str, str]:
    """Return the identity headers for one upstream request.

    The signature is the hex HMAC-SHA256, keyed with the shared secret, of
    ``owner\\ntimestamp\\nMETHOD\\npath`` (path with its query string), so a signed request
    cannot be replayed for another user, method or route. Without a secret only the user
    header is sent.
    """
    headers = {USER_HEADER: owner}
    if secret is None:
        return headers
    timestamp = str(int(now if now is not None else time.time()))
    message = "\n".join([owner, timestamp, method.upper(), path]).encode("utf-8")
    headers[TIMESTAMP_HEADER] = timestamp
    headers[SIGNATURE_HEADER] = hmac.new(secret, message, hashlib.sha256).hexdigest()
    return headers
