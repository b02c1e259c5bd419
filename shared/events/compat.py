"""Compatibility of event schemas: what a producer may change without breaking a consumer."""
from __future__ import annotations

from typing import Any


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = root.get("$defs", {}).get(name, {})
    return schema


def _types(schema: dict, root: dict) -> set[str]:
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        return set().union(*(_types(s, root) for s in schema["anyOf"]))
    if "const" in schema:
        return {f"const:{schema['const']}"}
    if "enum" in schema:
        return {f"const:{v}" for v in schema["enum"]}
    kind = schema.get("type", "any")
    if kind == "string" and "format" in schema:
        return {f"string:{schema['format']}"}
    return {kind} if isinstance(kind, str) else set(kind)


def breaking_changes(old: dict, new: dict, path: str = "", old_root: dict | None = None,
                     new_root: dict | None = None) -> list[str]:
    """Changes from `old` to `new` that would break a consumer reading `new` events with `old` code."""
    old_root, new_root = old_root or old, new_root or new
    old, new = _resolve(old, old_root), _resolve(new, new_root)
    problems: list[str] = []
    old_types, new_types = _types(old, old_root), _types(new, new_root)
    if "any" not in old_types and not new_types <= old_types:
        problems.append(f"{path or '(root)'}: type changed {sorted(old_types)} -> {sorted(new_types)}")
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    for name, old_schema in old_props.items():
        where = f"{path}.{name}" if path else name
        if name not in new_props:
            problems.append(f"{where}: removed")
            continue
        if name in old.get("required", []) and name not in new.get("required", []):
            problems.append(f"{where}: was always present, now optional")
        problems += breaking_changes(old_schema, new_props[name], where, old_root, new_root)
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        if name in old_props:
            problems.append(f"{path + '.' if path else ''}{name}: optional field made required")
    if "items" in old and "items" in new:
        problems += breaking_changes(old["items"], new["items"], f"{path}[]", old_root, new_root)
    return problems
