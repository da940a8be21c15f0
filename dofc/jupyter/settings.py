"""Where the proxy finds the scheduler and the secret it signs identities with."""

from __future__ import annotations

import json
import os
from pathlib import Path

from jupyter_core.paths import jupyter_config_dir

DEFAULT_SCHEDULER_URL = "http://127.0.0.1:8780"

# The JupyterLab settings file that the extension's settings schema (schema/plugin.json) writes.
PLUGIN_SETTINGS = Path("@dofc") / "jupyterlab" / "plugin.jupyterlab-settings"


def user_settings_dir() -> Path:
    """Return JupyterLab's user settings folder, honouring JUPYTERLAB_SETTINGS_DIR as JupyterLab does."""
    configured = os.environ.get("JUPYTERLAB_SETTINGS_DIR")
    if configured:
        return Path(configured)
    return Path(jupyter_config_dir()) / "lab" / "user-settings"


def scheduler_url_from_settings(settings_dir: Path) -> str | None:
    """Read ``schedulerUrl`` from the user's settings, or None when it is unset or unreadable."""
    file = settings_dir / PLUGIN_SETTINGS
    try:
        text = file.read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        import json5

        values = json5.loads(text)
    except ImportError:
        values = json.loads(text)
    except ValueError:
        return None
    url = values.get("schedulerUrl") if isinstance(values, dict) else None
    return url.strip() if isinstance(url, str) and url.strip() else None


def resolve_scheduler_url(settings_dir: Path | None = None) -> str:
    """Pick the scheduler URL: the user's JupyterLab setting, then DOFC_URL, then the default.

    The setting is read on every request, so a change in the settings editor applies at once.
    """
    from_settings = scheduler_url_from_settings(settings_dir or user_settings_dir())
    url = from_settings or os.environ.get("DOFC_URL") or DEFAULT_SCHEDULER_URL
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"scheduler URL {url!r} is invalid; set an http:// or https:// URL in DOFC_URL or the DOFC settings")
    return url.rstrip("/")


def shared_secret() -> bytes | None:
    """Return the identity-signing secret, or None when none is configured.

    DOFC_SHARED_SECRET contains the secret itself, DOFC_SHARED_SECRET_FILE names a file with it. The
    scheduler reads the same variables and, like here, ignores surrounding whitespace.
    """
    secret = os.environ.get("DOFC_SHARED_SECRET", "").strip()
    if not secret:
        file = os.environ.get("DOFC_SHARED_SECRET_FILE")
        if file:
            try:
                secret = Path(file).read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ValueError(f"DOFC_SHARED_SECRET_FILE {file} cannot be read ({error}); point it at the scheduler's secret file") from error
    return secret.encode("utf-8") if secret else None
