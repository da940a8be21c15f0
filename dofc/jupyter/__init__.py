"""Jupyter server extension of DOFC: an authenticated proxy from JupyterLab to the scheduler.

The browser calls ``/dofc/...`` on the Jupyter server. The proxy forwards the request to the
scheduler, sets the job owner to the authenticated Jupyter user and signs that identity with a
secret that only the Jupyter server and the scheduler know.
"""

from __future__ import annotations

from typing import Any

from .handlers import setup_handlers


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "dofc.jupyter"}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "../labextension", "dest": "@dofc/jupyterlab"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    setup_handlers(server_app)
    server_app.log.info("DOFC proxy is mounted at %s/dofc/", server_app.base_url.rstrip("/"))
