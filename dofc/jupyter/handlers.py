"""Tornado handlers that forward ``/dofc/...`` to the scheduler for the signed-in Jupyter user."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.httputil import HTTPHeaders
from tornado.iostream import StreamClosedError

from .identity import request_owner, signed_identity_headers
from .settings import resolve_scheduler_url, shared_secret
from .submission import SubmissionError, rewrite_submission

# Only these scheduler routes are reachable through the proxy. The scheduler decides who may use
# each one (admin routes need the admin role); the proxy only signs who is asking.
FORWARDED_ROUTES = r"(health|me|preflight|ops/live|observations/cell-latency|admin(?:/[A-Za-z0-9_./-]*)?|jobs(?:/[A-Za-z0-9_./-]*)?)"

# Routes whose POST body is a job submission, which gets the caller as owner and an absolute path.
SUBMISSION_ROUTES = ("jobs", "preflight")

# Request headers the browser may pass on; identity headers are never among them.
FORWARDED_REQUEST_HEADERS = ("Accept", "Content-Type", "Idempotency-Key", "Last-Event-ID")
FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Cache-Control", "Location", "X-Content-Type-Options")

CONNECT_TIMEOUT_S = 5.0
# Streams (job events, followed logs) stay open for as long as the job runs.
STREAM_TIMEOUT_S = 7 * 24 * 3600.0

# One client for every proxied request. Tornado's default allows 10 concurrent requests, and
# each open browser tab holds one of them for its event stream.
_MAX_UPSTREAM_REQUESTS = 200


def forwarded_query(query: str) -> str:
    """Return the query string without Jupyter's ``token``, which the scheduler must never see."""
    pairs = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True) if name != "token"]
    return urlencode(pairs)


class IdentityHandler(APIHandler):
    """``GET /dofc/identity``: the owner name that the proxy puts on this user's jobs."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.finish(json.dumps({"owner": request_owner(self)}))


class SchedulerProxyHandler(APIHandler):
    """Forwards one request to the scheduler and streams the response back as it arrives."""

    client: AsyncHTTPClient

    def initialize(self, client: AsyncHTTPClient) -> None:
        self.client = client
        self._client_gone = False
        self._response_started = False
        self._upstream_status = 502
        self._upstream_headers = HTTPHeaders()

    def on_connection_close(self) -> None:
        self._client_gone = True

    @tornado.web.authenticated
    async def get(self, route: str) -> None:
        await self._forward("GET", route)

    @tornado.web.authenticated
    async def post(self, route: str) -> None:
        await self._forward("POST", route)

    @tornado.web.authenticated
    async def put(self, route: str) -> None:
        await self._forward("PUT", route)

    @tornado.web.authenticated
    async def delete(self, route: str) -> None:
        await self._forward("DELETE", route)

    async def _forward(self, method: str, route: str) -> None:
        owner = request_owner(self)
        body = self._upstream_body(method, route, owner)
        if body is None and method in ("POST", "PUT"):
            return

        try:
            base = resolve_scheduler_url()
        except ValueError as error:
            self._send_error(500, "invalid_scheduler_url", str(error))
            return

        query = forwarded_query(self.request.query)
        target = "/" + route + (f"?{query}" if query else "")
        headers = {name: self.request.headers[name] for name in FORWARDED_REQUEST_HEADERS if name in self.request.headers}
        try:
            secret = shared_secret()
        except ValueError as error:
            self.log.error("DOFC proxy: %s", error)
            self._send_error(500, "invalid_shared_secret", str(error))
            return
        headers.update(signed_identity_headers(owner, method, target, secret))

        request = HTTPRequest(
            base + target,
            method=method,
            headers=headers,
            body=body,
            connect_timeout=CONNECT_TIMEOUT_S,
            request_timeout=STREAM_TIMEOUT_S,
            header_callback=self._on_upstream_header,
            streaming_callback=self._on_upstream_chunk,
            decompress_response=False,
        )
        try:
            await self.client.fetch(request, raise_error=False)
        except StreamClosedError:
            return
        except Exception as error:  # noqa: BLE001 - every failure to reach the scheduler becomes one 502
            if self._client_gone:
                return
            if self._response_started:
                self.log.warning("DOFC proxy: %s %s ended early: %s", method, target, error)
                self.finish()
                return
            self.log.warning("DOFC proxy: %s %s to %s failed: %s", method, target, base, error)
            self._send_error(
                502,
                "scheduler_unreachable",
                f"The DOFC scheduler at {base} did not respond ({error}); start it with `dofc serve` or set DOFC_URL.",
            )
            return

        if not self._response_started:
            self._start_response()
        self.finish()

    def _upstream_body(self, method: str, route: str, owner: str) -> bytes | None:
        """Return the body to send on; a job submission gets its owner and absolute path here."""
        if method not in ("POST", "PUT"):
            return None
        if method == "PUT" or route.rstrip("/") not in SUBMISSION_ROUTES:
            return self.request.body or b"{}"
        try:
            submission = json.loads(self.request.body or b"null")
            rewritten = rewrite_submission(submission, owner, self.contents_manager.root_dir)
        except json.JSONDecodeError as error:
            self._send_error(400, "invalid_json", f"The job submission is not JSON ({error}); send the JobSpec as a JSON object.")
            return None
        except SubmissionError as error:
            self._send_error(400, "invalid_job_spec", str(error))
            return None
        return json.dumps(rewritten).encode("utf-8")

    def _on_upstream_header(self, line: str) -> None:
        if line.startswith("HTTP/"):
            parts = line.split(" ", 2)
            self._upstream_status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 502
            self._upstream_headers = HTTPHeaders()
        elif line.strip():
            self._upstream_headers.parse_line(line)

    def _on_upstream_chunk(self, chunk: bytes) -> None:
        if self._client_gone:
            # Raising here aborts the upstream request, so a closed tab does not hold a stream.
            raise StreamClosedError()
        if not self._response_started:
            self._start_response()
        self.write(chunk)
        self.flush()

    def _start_response(self) -> None:
        self._response_started = True
        self.set_status(self._upstream_status)
        for name in FORWARDED_RESPONSE_HEADERS:
            value = self._upstream_headers.get(name)
            if value is not None:
                self.set_header(name, value)

    def _send_error(self, status: int, code: str, message: str) -> None:
        self.set_status(status)
        self.finish(json.dumps({"error": code, "message": message}))


def setup_handlers(server_app: Any) -> None:
    web_app = server_app.web_app
    base_url = web_app.settings["base_url"]
    client = AsyncHTTPClient(force_instance=True, max_clients=_MAX_UPSTREAM_REQUESTS)
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base_url, "dofc", "identity"), IdentityHandler),
            (url_path_join(base_url, "dofc", FORWARDED_ROUTES), SchedulerProxyHandler, {"client": client}),
        ],
    )
