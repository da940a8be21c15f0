"""Evaluate string-building expressions as far as their constant parts allow.

`'gs://{}/x.csv'.format(bucket)` with `bucket = 'b'` gives `gs://b/x.csv`, and with an unknown
bucket gives the pattern `gs://*/x.csv`.
"""

from __future__ import annotations

import re
import string as string_module

from .values import UNKNOWN, UNKNOWN_PART, Kind, Value, concatenate, string

_PERCENT_FIELD = re.compile(r"%(\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?([diouxXeEfFgGcrsa%])")


def format_template(template: Value, args: list[Value], keywords: dict[str, Value]) -> Value:
    """Evaluate `template.format(*args, **keywords)`."""
    if template.kind is not Kind.STRING or template.text is None:
        return UNKNOWN
    try:
        pieces = list(string_module.Formatter().parse(template.text))
    except ValueError:
        return string(UNKNOWN_PART, exact=False)

    parts: list[Value] = []
    next_index = 0
    for literal, field_name, spec, conversion in pieces:
        parts.append(string(literal))
        if field_name is None:
            continue
        if field_name == "":
            field_name = str(next_index)
            next_index += 1
        value = _format_argument(field_name, args, keywords)
        if spec or conversion not in (None, "s"):
            value = UNKNOWN
        parts.append(value)

    result = concatenate(parts)
    return string(result.as_pattern(), exact=result.exact and template.exact)


def percent_format(template: Value, operand: Value) -> Value:
    """Evaluate `template % operand` for %s and %d fields."""
    if template.kind is not Kind.STRING or template.text is None:
        return UNKNOWN
    operands = list(operand.items) if operand.kind is Kind.SEQUENCE else [operand]

    parts: list[Value] = []
    position = 0
    for match in _PERCENT_FIELD.finditer(template.text):
        parts.append(string(template.text[position : match.start()]))
        position = match.end()
        if match.group(2) == "%":
            parts.append(string("%"))
            continue
        value = operands.pop(0) if operands and not match.group(1) else UNKNOWN
        parts.append(value if match.group(2) in "sd" else UNKNOWN)
    parts.append(string(template.text[position:]))

    result = concatenate(parts)
    return string(result.as_pattern(), exact=result.exact and template.exact)


def join_paths(parts: list[Value]) -> Value:
    """Evaluate `os.path.join(*parts)`: an absolute part discards the parts before it."""
    text = ""
    exact = True
    for part in parts:
        pattern = part.as_pattern()
        if pattern.startswith("/"):
            text, exact = pattern, part.is_exact_text()
            continue
        if text and not text.endswith("/"):
            text += "/"
        text += pattern
        exact = exact and part.is_exact_text()
    return string(text, exact=exact)


def join_items(separator: Value, items: Value) -> Value:
    """Evaluate `separator.join(items)` when the items are a literal list or tuple."""
    if separator.kind is not Kind.STRING or items.kind is not Kind.SEQUENCE:
        return string(UNKNOWN_PART, exact=False)
    parts: list[Value] = []
    for index, item in enumerate(items.items):
        if index:
            parts.append(separator)
        parts.append(item)
    return concatenate(parts)


def _format_argument(field_name: str, args: list[Value], keywords: dict[str, Value]) -> Value:
    if field_name.isdigit():
        index = int(field_name)
        return args[index] if index < len(args) else UNKNOWN
    if field_name.isidentifier():
        return keywords.get(field_name, UNKNOWN)
    # Attribute or index access such as {0.name} or {row[1]}: not evaluated.
    return UNKNOWN
