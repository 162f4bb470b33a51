"""The one rules loader: the TOML files in kg/data and their regular expressions, checked at load.

Every stage reads its rule file through :func:`rule_file`, compiles its patterns with
:func:`compile_pattern` and checks its word lists with :func:`word_list`, then checks the file's own schema in its loader (cached, and called by
``kg.pipeline.build.warm_up``), so a broken rule file fails the same way everywhere, on first use,
naming the file and what to fix.
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


def word_list(fname: str, where: str, words: object) -> tuple[str, ...]:
    """Check one rule's word list: a non-empty list of non-empty strings, returned stripped in the
    file's order (each loader sorts it as its matching needs); ``where`` names the rule inside the
    file."""
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise DataFileError(f"{where}: must be a non-empty list of non-empty strings", path=fname,
                            hint=f"fix the list in {Path(fname).name}")
    return tuple(w.strip() for w in words)
