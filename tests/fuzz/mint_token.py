"""Create a personal API token for a user of a running DOFC scheduler.

The request is signed with the shared secret the way the Jupyter proxy signs it (HMAC-SHA256 of
``user\\ntimestamp\\nMETHOD\\npath``), so it works before the user has any token. Prints the token.
Usage: python mint_token.py BASE_URL USER  (the secret is read from DOFC_SHARED_SECRET).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
import urllib.request


def mint_token(base_url: str, user: str, secret: str) -> str:
    path = "/me/tokens"
    timestamp = str(int(time.time()))
    message = "\n".join([user, timestamp, "POST", path]).encode()
    signature = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        base_url + path,
        data=json.dumps({"name": "api-fuzzing"}).encode(),
        method="POST",
        headers={
            "content-type": "application/json",
            "X-Dofc-User": user,
            "X-Dofc-Timestamp": timestamp,
            "X-Dofc-Signature": signature,
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.load(response)["token"])


if __name__ == "__main__":
    if len(sys.argv) != 3 or not os.environ.get("DOFC_SHARED_SECRET"):
        sys.exit("usage: DOFC_SHARED_SECRET=... python mint_token.py BASE_URL USER")
    print(mint_token(sys.argv[1], sys.argv[2], os.environ["DOFC_SHARED_SECRET"]))
