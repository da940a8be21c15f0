"""Flag credentials written in the code: access keys, private keys, passwords and tokens.

Messages name what kind of secret was found and where, never the secret itself.
"""

from __future__ import annotations

import ast
import re

from ..report import Flag
from .context import RuleContext

_AWS_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")
_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
_URL_PASSWORD = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^/\s:@'\"]+:([^/\s@'\"]+)@")
_QUERY_PASSWORD = re.compile(r"[?&;](?:password|pwd|secret|token)=([^&;\s'\"]+)", re.IGNORECASE)
_PASSWORD_PATTERNS = (_URL_PASSWORD, _QUERY_PASSWORD)
_NAME_PARTS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_PLACEHOLDER = re.compile(r"<[^>]*>|\{[^}]*\}|\$\{?\w+\}?|%\(\w+\)s|\[[^\]]*\]|\*+")
_PLACEHOLDER_PREFIX = re.compile(r"(?:your|my|enter|insert|replace)[-_ ]", re.IGNORECASE)
_PLACEHOLDER_WORDS = frozenset({"password", "passwd", "secret", "token", "none", "null", "todo"})

# Last words of a name for a secret: `db_password`, `accessToken`, `client_secret`.
SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "credential", "credentials"}
)
# Last two words of such a name: `api_key`, `aws_secret_access_key`, `fs.s3a.secret.key`.
SECRET_WORD_PAIRS = frozenset(
    {
        ("api", "key"),
        ("access", "key"),
        ("secret", "key"),
        ("private", "key"),
        ("auth", "key"),
        ("account", "key"),
        ("client", "secret"),
        ("sas", "token"),
    }
)
# Words whose values are long random strings; a short value there is a label, like "[SEP]".
_KEY_LIKE_WORDS = frozenset({"token", "apikey", "key", "secret"})

FIX = (
    "Read the secret at run time from an environment variable or a secrets manager "
    "(`os.environ['NAME']`), and revoke the exposed one."
)


def check(context: RuleContext) -> list[Flag]:
    found: dict[tuple[int | None, int], Flag] = {}
    for unit in context.units:
        for line, message in _text_findings(unit.source):
            found.setdefault((unit.cell, line), Flag("hardcoded_credential", "error", unit.cell, line, message, FIX))
        if unit.tree is None:
            continue
        for line, name in _assigned_secrets(unit.tree):
            message = (
                f"A string literal is given as `{name}`; a credential in code leaks with the "
                "notebook, its outputs and its version history."
            )
            found.setdefault((unit.cell, line), Flag("hardcoded_credential", "error", unit.cell, line, message, FIX))
    return list(found.values())


def is_secret_name(name: str) -> bool:
    """Tell whether an identifier or configuration key names a credential."""
    parts = [part.lower() for part in _NAME_PARTS.findall(name)]
    if not parts:
        return False
    if parts[-1] in SECRET_WORDS:
        return True
    return len(parts) >= 2 and (parts[-2], parts[-1]) in SECRET_WORD_PAIRS


def looks_like_secret_value(name: str, value: str) -> bool:
    """Tell whether a literal given to a secret-like name is a real value, not a placeholder."""
    text = value.strip()
    if not text or len(set(text)) == 1 or text.lower() in _PLACEHOLDER_WORDS:
        return False
    if _PLACEHOLDER.fullmatch(text) or _PLACEHOLDER_PREFIX.match(text):
        return False
    if text.count(" ") >= 2:
        return False  # a sentence, such as a prompt or help text
    last = _NAME_PARTS.findall(name)[-1].lower()
    return not (last in _KEY_LIKE_WORDS and (len(text) < 8 or " " in text))


def _text_findings(source: str) -> list[tuple[int, str]]:
    findings: list[tuple[int, str]] = []
    for number, line in enumerate(source.split("\n"), start=1):
        if _AWS_ACCESS_KEY.search(line):
            found = "An AWS access key id (AKIA…/ASIA…)"
        elif _PRIVATE_KEY.search(line):
            found = "A private key block"
        elif any(
            _is_real_password(match.group(1)) for pattern in _PASSWORD_PATTERNS for match in pattern.finditer(line)
        ):
            found = "A URL with an embedded password"
        else:
            continue
        findings.append((number, f"{found} is written in the code, where anyone who can read the notebook can use it."))
    return findings


def _is_real_password(text: str) -> bool:
    return looks_like_secret_value("password", text)


def _assigned_secrets(tree: ast.Module) -> list[tuple[int, str]]:
    """Return (line, name) for each string literal given to a secret-like name."""
    pairs: list[tuple[int, str, ast.expr]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            pairs.extend((node.lineno, name, node.value) for name in map(_target_name, node.targets) if name)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            name = _target_name(node.target)
            if name:
                pairs.append((node.lineno, name, node.value))
        elif isinstance(node, ast.Call):
            pairs.extend((keyword.value.lineno, keyword.arg, keyword.value) for keyword in node.keywords if keyword.arg)
            # option("password", "..."), config("spark.hadoop.fs.s3a.secret.key", "..."), environ.setdefault(...)
            if len(node.args) >= 2 and _string(node.args[0]) is not None:
                pairs.append((node.args[1].lineno, _string(node.args[0]) or "", node.args[1]))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=False):
                if key is not None and _string(key) is not None:
                    pairs.append((value.lineno, _string(key) or "", value))

    secrets: list[tuple[int, str]] = []
    for line, name, value in pairs:
        text = _string(value)
        if text is not None and is_secret_name(name) and looks_like_secret_value(name, text):
            secrets.append((line, name))
    return secrets


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return _string(target.slice)
    return None


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
