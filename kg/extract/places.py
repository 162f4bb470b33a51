"""The place gazetteer: jionlp's admin-division table (province → city → county, GB/T 2260 codes),
with the names a report writes that the table lacks (renamed counties, autonomous units by their
short name), and an index that finds where a name or alias is written.
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from kg.core.errors import DataFileError
from kg.core.patterns import LongestWords
from kg.core.records import Level, Region
from kg.extract.bureau_rules import LEVELS, bureau_rules


@dataclass(frozen=True)
class Place:
    """One administrative unit: its path and codes."""

    name: str  # full name
    level: Level
    region: Region


@dataclass(frozen=True)
class Gazetteer:
    by_name: dict[str, tuple[Place, ...]]  # full names
    by_alias: dict[str, tuple[Place, ...]]  # short aliases (德清 → 德清县)
    max_len: int
    short_forms: frozenset[str] = frozenset()  # names in by_name that shorten an official one
    municipalities: frozenset[str] = frozenset()  # provinces that are also their own city (重庆市)
    renamed: frozenset[str] = frozenset()  # new names made from renamed_counties (无为市)


# jionlp's table: one line a place, indented by level (province, city, county; then the towns
# and villages, 700k lines, which the three levels never need)
_TOP_LEVELS = re.compile(rb"\n(?!\t\t\t)([^\n]*)")  # a line (after a newline) of the first three


def _table_bytes(path: Path) -> bytes:
    """The table's bytes. jionlp ships it zipped (china_location.zip) and unpacks it when first
    imported: in a fresh install that has never imported jionlp only the zip is there."""
    if not path.exists() and path.with_suffix(".zip").exists():
        with zipfile.ZipFile(path.with_suffix(".zip")) as z:
            return z.read(path.name)
    return path.read_bytes()


def _jionlp_file(name: str) -> Path:
    """A file of jionlp's dictionary folder (found without importing jionlp)."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise DataFileError("jionlp is not installed", path="jionlp", hint="pip install jionlp")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / name


def location_changes(path: Path | None = None) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """jionlp's record of renamed and merged divisions (china_location_change.txt, what
    ``parse_location(change2new=True)`` reads): (old names, new names), each from the province down
    to the changed unit (上饶县 → 广信区, 襄樊市 → 襄阳市). A malformed line fails naming the file."""
    path = path or _jionlp_file("china_location_change.txt")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(f"cannot read jionlp's place changes: {e}", path=str(path),
                            hint="reinstall jionlp") from None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        old, sep, new = line.strip().partition("=>")
        fields, new_names = old.split("\t"), tuple(new.split("\t"))
        # date, approver, then (full name, short name) per level: a county's change or a city's
        if not sep or len(fields) not in (6, 8) or len(new_names) != (len(fields) - 2) // 2 or not all(new_names):
            raise DataFileError(f"line {n} is not `date approver (name alias)... => names...`: {line!r}",
                                path=str(path), hint="reinstall jionlp")
        out.append((tuple(fields[2::2]), new_names))
    return out


def location_table(path: Path | None = None) -> dict:
    """What ``jionlp.china_location_loader()`` returns (province → city → county nodes), read from
    jionlp's own file (or ``path``) without importing jionlp (numpy and its tagger: ~0.4 s of
    every build's start-up) or decoding the towns and villages (~0.4 s more).
    tests/test_places.py checks it equals the loader's table."""
    if path is None:
        path = _jionlp_file("china_location.txt")
    try:
        data = _table_bytes(path)
    except (OSError, zipfile.BadZipFile, KeyError) as e:
        raise DataFileError(f"cannot read jionlp's place table: {e}", path=str(path),
                            hint="reinstall jionlp") from None
    if data.count(b"\r") != data.count(b"\r\n"):  # a lone CR ends a line read as text
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # (a CRLF's CR is stripped)
    table: dict = {}
    province = city = None
    for raw in _TOP_LEVELS.findall(b"\n" + data):
        item = raw.decode("utf-8")
        fields = item.strip().split("\t")
        if len(fields) != 3:
            continue
        name, code, alias = fields
        if not item.startswith("\t"):
            province = name
            table[name] = {"_full_name": name, "_alias": alias, "_admin_code": code}
        elif item.startswith("\t\t"):
            table[province][city][name] = {"_full_name": name, "_alias": alias, "_admin_code": code}
        else:
            city = name
            table[province][name] = {"_full_name": name, "_alias": alias.split("/"), "_admin_code": code}
    return table


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """jionlp's admin-division table (province → city → county, 6-digit codes), loaded once."""
    table = location_table()
    r = bureau_rules()
    by_name: dict[str, list[Place]] = defaultdict(list)
    by_alias: dict[str, list[Place]] = defaultdict(list)
    short_names: dict[str, list[Place]] = defaultdict(list)

    def aliases(node) -> list[str]:
        a = node.get("_alias") or []
        return [a] if isinstance(a, str) else list(a)

    def add(place: Place, node) -> None:
        by_name[place.name].append(place)
        for a in aliases(node):
            if len(a) >= r.alias_min_len and a != place.name:
                by_alias[a].append(place)
        # an autonomous unit is written by its short name and kind: 张家川县 or 张家川自治县 for
        # 张家川回族自治县, 恩施州 for 恩施土家族苗族自治州
        for kind in r.autonomous_kinds:
            if place.name.endswith(kind):
                for a in aliases(node):
                    if len(a) >= r.alias_min_len and not a.endswith(kind[-1]):
                        short_names[a + kind[-1]].append(place)
                        short_names[a + kind].append(place)

    owners = _code_owners(table)
    codes: dict[tuple[str, ...], str | None] = {}  # the code each place keeps, by path
    for level, path, node in _walk(table):
        c = node["_admin_code"]
        keeps = owners.get(c) == (level, path) or (_municipal(level, path) and owners.get(c) == (0, path[:1]))
        codes[path] = c if keeps else None
        names = (*path, None, None)[:3]
        keys = [codes[path[: i + 1]] if i <= level else None for i in range(3)]
        region = Region(province=names[0], city=names[1], county=names[2],
                        province_code=keys[0], city_code=keys[1], county_code=keys[2])
        if not _municipal(level, path):  # jionlp repeats a municipality as its city (北京市/北京市)
            add(Place(path[-1], LEVELS[level], region), node)
    # a county made a county-level city or a district after the table was drawn (无为县 → 无为市):
    # its new name, where no other place has it, is the same unit under that name (without the
    # table's code, which names the old one: one code, one region node)
    renamed: set[str] = set()
    for name, found in list(by_name.items()):
        for old_kind, new_kind in r.renamed_counties:
            new = name[: -len(old_kind)] + new_kind
            if name.endswith(old_kind) and len(new) >= r.renamed_min_len and new not in by_name:
                by_name[new] = [replace(p, name=new, region=replace(p.region, county=new, county_code=None))
                                for p in found if p.level == "county"]
                renamed.add(new)
    by_name = defaultdict(list, {k: v for k, v in by_name.items() if v})
    _add_old_names(by_name, location_changes())
    short_forms = frozenset(name for name in short_names if name not in by_name)
    for name in short_forms:  # a real place of that name wins (no 自治 unit shadows it)
        by_name[name] = short_names[name]
    if not by_name:
        raise DataFileError("jionlp's china_location table is empty", path="jionlp",
                            hint="reinstall jionlp")
    return Gazetteer(by_name={k: tuple(v) for k, v in by_name.items()},
                     by_alias={k: tuple(v) for k, v in by_alias.items()},
                     max_len=max(map(len, by_name)), short_forms=short_forms,
                     municipalities=frozenset(path[0] for level, path, _ in _walk(table)
                                              if _municipal(level, path)),
                     renamed=frozenset(renamed))


def _add_old_names(by_name: dict[str, list[Place]], changes) -> None:
    """Old names of renamed or merged units (上饶县, now 广信区) as names of the current unit, so a
    report written before the change finds its region under today's official names; the place
    keeps the name as written (上饶县教育局 stays its bureau's name). An old name another place
    still bears (城区) or whose new unit the table lacks is left out: never a guess."""
    for old, new in changes:
        if old[-1] in by_name:
            continue
        level = LEVELS[len(new) - 1]
        now = [p for p in by_name.get(new[-1], ()) if p.level == level
               and (p.region.province, p.region.city, p.region.county)[:len(new) - 1] == new[:-1]]
        if len(now) == 1:
            by_name[old[-1]] = [replace(now[0], name=old[-1])]


def _walk(table) -> Iterator[tuple[int, tuple[str, ...], dict]]:
    """Every place of jionlp's table, parents first: (level 0/1/2, full names from the province
    down, its node)."""
    for pnode in table.values():
        ppath = (pnode["_full_name"],)
        yield 0, ppath, pnode
        for cname, cnode in pnode.items():
            if cname.startswith("_"):
                continue
            cpath = (*ppath, cnode["_full_name"])
            yield 1, cpath, cnode
            for kname, knode in cnode.items():
                if not kname.startswith("_"):
                    yield 2, (*cpath, knode["_full_name"]), knode


def _municipal(level: int, path: tuple[str, ...]) -> bool:
    """A municipality listed again as its own city."""
    return level == 1 and path[0] == path[1]


def _code_owners(table) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Admin code → the one place it identifies: (level 0/1/2, names from the province down).

    jionlp gives some codes to several places (every Hong Kong and Macau district carries its
    region's code; two zones of one city can share one). A code goes to its highest-level user
    when that user is alone at that level; other users get no code, so the graph names them by
    their path instead of merging different places into one node."""
    uses: dict[str, set] = defaultdict(set)
    seen: dict[tuple[str, ...], str] = {}
    for level, path, node in _walk(table):
        c = seen[path] = node["_admin_code"]
        if not (_municipal(level, path) and c == seen[path[:1]]):  # the province itself again
            uses[c].add((level, path))
    owners = {}
    for c, users in uses.items():
        top = min(level for level, _ in users)
        at_top = [u for u in users if u[0] == top]
        if len(at_top) == 1:
            owners[c] = at_top[0]
    return owners


@dataclass(frozen=True)
class GazetteerIndex:
    longest: LongestWords  # where a name or alias starts, with the longest one there
    nested: dict[str, tuple[str, ...]]  # a name/alias → the names/aliases it starts with, longest first
    name_lens_by_end: dict[str, tuple[int, ...]]  # last two chars → lengths of full names, longest first


@lru_cache(maxsize=1)
def gazetteer_index() -> GazetteerIndex:
    """Where to look in a text, so a scan tries only names that are written there."""
    gz = gazetteer()
    # two characters at least: names are found by their last two (a one-character name is no place)
    words = {w for w in (*gz.by_name, *gz.by_alias) if len(w) >= 2}
    by_end: dict[str, set[int]] = defaultdict(set)
    for w in gz.by_name:
        if len(w) >= 2:
            by_end[w[-2:]].add(len(w))
    return GazetteerIndex(
        longest=LongestWords(words),
        nested={w: tuple(w[:n] for n in range(len(w), 1, -1) if w[:n] in words) for w in words},
        name_lens_by_end={k: tuple(sorted(v, reverse=True)) for k, v in by_end.items()})
