"""Typed reads from a parsed YAML mapping; a wrong value becomes a Problem at its key's line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from magsite.errors import Problem

_TYPE_NAMES = {dict: "a mapping", list: "a list", bool: "true/false", str: "text", int: "a number"}


def type_name(value: object) -> str:
    """How a YAML value's type reads in an error message."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


@dataclass
class Fields:
    """Reads keys of one mapping, collecting problems instead of raising, so all are reported at once."""

    data: dict[str, Any]
    path: str
    key_lines: dict[str, int]
    problems: list[Problem] = field(default_factory=list)
    prefix: str = ""

    def line(self, key: str) -> int:
        return self.key_lines.get(key, self.key_lines.get("", 1))

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.path, self.line(key), message, hint))

    def warn(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.path, self.line(key), message, hint, warning=True))

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        """A non-empty string (numbers are accepted as their text)."""
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.error(key, f"'{self.name(key)}' is required" + ("" if value is None else " and empty"))
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(key, f"'{self.name(key)}' must be text, not {type_name(value)}")
            return default
        return str(value)

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"'{self.name(key)}' must be true or false, not {value!r}")
            return default
        return value

    def integer(self, key: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"'{self.name(key)}' must be a whole number, not {value!r}")
            return default
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and at most {maximum}" if maximum is not None else ""
            self.error(key, f"'{self.name(key)}' must be at least {minimum}{upper}, not {value}")
            return default
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of non-empty strings; a single string counts as a list of one."""
        value = self.data.get(key)
        if value is None or value == "" or value == []:
            return ()
        items = [value] if isinstance(value, str | int | float) and not isinstance(value, bool) else value
        if not isinstance(items, list) or not all(
            isinstance(i, str | int | float) and not isinstance(i, bool) and str(i).strip() for i in items
        ):
            self.error(key, f"'{self.name(key)}' must be a list of text values")
            return ()
        return tuple(str(i).strip() for i in items)

    def mapping(self, key: str) -> dict[str, Any] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            self.error(key, f"'{self.name(key)}' must be a mapping of keys to values, not {type_name(value)}")
            return None
        return value

    def sub(self, key: str, value: dict[str, Any], name: str | None = None) -> Fields:
        """Fields for a nested mapping; its problems point at the parent key's line."""
        line = self.line(key)
        lines = {str(k): line for k in value} | {"": line}
        return Fields(value, self.path, lines, self.problems, f"{name or self.name(key)}.")

    def unknown_keys(self, known: Iterable[str], *, error: bool) -> list[str]:
        """Keys not in `known`: an error (config) or a warning with a "did you mean" (front matter)."""
        known = list(known)
        extra = [k for k in self.data if k not in known]
        for key in extra:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
            hint = f"did you mean '{self.name(close[0])}'?" if close else None
            if error:
                self.error(key, f"unknown key '{self.name(key)}'", hint)
            elif close:
                self.warn(key, f"unknown key '{self.name(key)}' is passed to templates as is", hint)
        return extra
