"""Start-up tuning shared by DOFC's short-lived Python processes (the runner and the inspector)."""

from __future__ import annotations

import sys


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from loading rfc3987_syntax, which nbformat does not need.

    jsonschema 4 imports rfc3987_syntax, when installed, to check the "iri" string format, and
    building its grammar takes about 2 s (measured with ``python -X importtime -c 'import
    nbformat'`` on this project's machine, against 0.17 s without it). JupyterLab's
    dependencies install it. nbformat's schemas use no "iri" format, so validation is unchanged.
    jsonschema imports it inside ``suppress(ImportError)``, so a None entry in sys.modules makes
    it skip the check.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
