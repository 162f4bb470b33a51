"""Reading the rule files in kg/data: TOML and regular expressions, checked at load.

Floor module (imports only errors): every stage reads its rules through these two functions, so a
broken rule file fails the same way everywhere, naming the file and what to fix.
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


def package_data(name: str) -> tuple[str, str]:
    """(text, location) of a rule file shipped in kg/data."""
    from importlib import resources

    res = resources.files("kg") / "data" / name
    try:
        return res.read_text(encoding="utf-8"), str(res)
    except OSError as e:
        raise DataFileError(f"cannot read ({e})", path=str(res),
                            hint="reinstall edu-kg; the package data is missing") from e


def read_toml(path: str | Path) -> dict:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise DataFileError(f"cannot read rule file: {e}", path=str(p),
                            hint="restore the file from the repository") from e
    return parse_toml(text, str(p))


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
