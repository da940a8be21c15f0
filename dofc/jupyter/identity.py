"""The job owner the proxy asserts to the scheduler, and the headers that carry it."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

USER_HEADER = "X-Dofc-User"
TIMESTAMP_HEADER = "X-Dofc-Timestamp"
SIGNATURE_HEADER = "X-Dofc-Signature"

# The scheduler accepts owners of 1 to 64 letters, digits or _ . @ -, see server/src/contract/job-spec.ts.
_OWNER_FORBIDDEN = re.compile(r"[^A-Za-z0-9_.@-]")


def owner_name(username: str) -> str:
    """Map a Jupyter username to a valid DOFC owner: forbidden characters become ``_``."""
    cleaned = _OWNER_FORBIDDEN.sub("_", username)[:64]
    return cleaned or "anonymous"


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
