"""Problems found in a site's sources, and the one way they are printed (`path:line: message`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One mistake in the sources: where it is and what is wrong, in one sentence."""

    path: str
    line: int | None
    message: str
    hint: str | None = None
    warning: bool = False

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = "warning: " if self.warning else ""
        text = f"{where}: {kind}{self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class ContentError(Exception):
    """Raised once per build with every problem found, so editors fix them all in one go."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


def raise_if_errors(problems: Iterable[Problem]) -> None:
    """Raise a ContentError listing every non-warning problem, if there is any."""
    errors = [p for p in problems if not p.warning]
    if errors:
        raise ContentError(errors)
