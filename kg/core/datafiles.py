"""The one rules loader: the TOML files in kg/data, read and checked the same way everywhere.

Each rule file has two functions in the module that uses it, named after the record they give
(``noise_rules`` for noise.toml, ``units`` for units.toml):

* ``parse_<x>(data, fname) -> <Record>`` checks an already parsed table (pure: a test passes a
  dict) and builds the stage's frozen record. Every value goes through one checker here, which
  names the file and the rule (``section.key``) when it is wrong: :func:`compile_pattern` for a
  regular expression, :func:`word_list` for a list of words, :func:`positive_int` /
  :func:`whole_number` for a count (a bool or a float is no count), :func:`share` for a fraction
  in (0, 1], :func:`text` for a non-empty string; a missing key is a DataFileError naming it.
* ``<x>()`` (``<x>(path=None)`` where a user may pass their own copy) is the ``lru_cache``'d
  getter: :func:`rule_file` reads the file, ``parse_<x>`` checks it. ``kg.pipeline.build.warm_up``
  fills every getter a build uses, so a broken shipped file fails at start-up, before any report.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from kg.core.errors import DataFileError


def parse_toml(text: str, fname: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DataFileError(f"not valid TOML ({e})", path=fname, hint="fix the syntax") from e


def rule_file(name: str, path: str | Path | None = None) -> tuple[dict, str]:
    """(parsed TOML, location) of the rule file ``kg/data/<name>``, or of ``path`` when given (a
    user's own copy, or a test's)."""
    from importlib import resources

    res = Path(path) if path else resources.files("kg") / "data" / name
    try:
        text = res.read_text(encoding="utf-8")
    except OSError as e:
        raise DataFileError(f"cannot read rule file ({e})", path=str(res),
                            hint="pass an existing file" if path else
                            "reinstall edu-kg; the package data is missing") from e
    return parse_toml(text, str(res)), str(res)


def compile_pattern(fname: str, where: str, pattern: object, flags: int = 0) -> re.Pattern:
    """Compile one rule's pattern; ``where`` names the rule inside the file."""
    if not isinstance(pattern, str) or not pattern:
        raise DataFileError(f"{where}: pattern must be a non-empty string", path=fname,
                            hint=f"fix the rule in {Path(fname).name}")
    try:
        return re.compile(pattern, flags)
    except re.error as e:
        raise DataFileError(f"{where}: bad regular expression ({e})", path=fname,
                            hint="fix the pattern (Python re syntax)") from e


def _bad(fname: str, where: str, what: str, value: object) -> DataFileError:
    # TOML has no null: None is a key the loader looked up with .get() and did not find
    problem = "missing" if value is None else f"not {value!r}"
    return DataFileError(f"{where}: must be {what}, {problem}", path=fname,
                         hint=f"fix the value in {Path(fname).name}")


def whole_number(fname: str, where: str, value: object, minimum: int | None = 0) -> int:
    """Check one rule's whole number (at least ``minimum``; None: any sign)."""
    if type(value) is not int or (minimum is not None and value < minimum):
        what = "a whole number" + (f" of at least {minimum}" if minimum is not None else "")
        raise _bad(fname, where, what, value)
    return value


def positive_int(fname: str, where: str, value: object) -> int:
    """Check one rule's count or length: a whole number above 0."""
    if type(value) is not int or value < 1:
        raise _bad(fname, where, "a positive whole number", value)
    return value


def share(fname: str, where: str, value: object) -> float:
    """Check one rule's fraction: a number above 0 and at most 1."""
    if type(value) not in (int, float) or not 0 < value <= 1:  # type() is not bool's
        raise _bad(fname, where, "a number above 0 and at most 1 (e.g. 0.6)", value)
    return float(value)  # type: ignore[arg-type]


def text(fname: str, where: str, value: object) -> str:
    """Check one rule's string: non-empty."""
    if not isinstance(value, str) or not value:
        raise _bad(fname, where, "a non-empty string", value)
    return value


def word_list(fname: str, where: str, words: object) -> tuple[str, ...]:
    """Check one rule's word list: a non-empty list of non-empty strings, returned stripped in the
    file's order (each loader sorts it as its matching needs); ``where`` names the rule inside the
    file."""
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise DataFileError(f"{where}: must be a non-empty list of non-empty strings", path=fname,
                            hint=f"fix the list in {Path(fname).name}")
    return tuple(w.strip() for w in words)
