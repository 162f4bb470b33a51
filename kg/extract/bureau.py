"""The issuing bureau of a report: name, region (province → city → county with GB/T 2260 codes), level.

Order of evidence, strongest first:
1. a bureau written with its place (城东区教育局, X区教育和体育局): the title's or a 来源:/发布单位:
   line's wins over any number of body mentions. Bodies named in passing are skipped: a superior
   (在某某市教育局的指导下, 转发/根据某市教育局《…》, 迎接…检查, 受到…表彰), a peer (赴某区教育局考察,
   某县教育局一行, 与某市教育局签订…协议, 对口帮扶), and, unless in the title, a bureau above the
   level the text speaks from (湖州市教育局 in a report that says 我县);
2. a redacted place of the issuer's own level (xx区 when the text says 全区/我局) + the title's suffix;
   with no 我县/全市, a bureau named by level alone (市教育局) gives the level;
3. gazetteer places the report names (德清县, 走进德清, 德清三中) at the level the text implies
   (我县/全县 → county), named ``<full name>教育局``; a text naming no education body but its
   government speaking (区长…作政府工作报告) is the government's, ``<full name>人民政府``.
Only the report's own title and text are read (and the file name when the report is alone in its
file), so a compilation's reports never borrow each other's bureau. Redacted places never resolve
to a region. Rule data: ``kg/data/bureau.toml``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Collection
from pathlib import Path

from kg.core.chars import HAN_CHAR, SPACE_RUN, to_simplified
from kg.core.records import Bureau, Level, Region, Report
from kg.extract.bureau_mentions import (
    LevelMention,
    Mention,
    bureau_mentions,
    level_mentions,
    patterns,
    place_mentions,
    skip_places,
)
from kg.extract.bureau_rules import LEVELS, bureau_rules
from kg.extract.places import Place, gazetteer
from kg.text.noise import noise_rules


def _admin_level(place: str) -> Level | None:
    levels = bureau_rules().admin_levels
    for suf in sorted(levels, key=len, reverse=True):
        if place.endswith(suf):
            return levels[suf]  # type: ignore[return-value]
    return None


def self_level(text: str) -> tuple[Level | None, Counter]:
    """The level the text speaks from (我县 → county), by weighted self-references."""
    votes: Counter = Counter()
    for word, (level, weight) in bureau_rules().self_refs.items():
        votes[level] += weight * text.count(word)
    if not votes or max(votes.values()) == 0:
        return None, votes
    return votes.most_common(1)[0][0], votes


def _norm_redacted(place: str) -> str:
    r = bureau_rules()
    return re.sub(rf"[{re.escape(r.glyphs + r.blanks)}]+", "X", place)


def _resolve(places: tuple[Place, ...], context: list[Mention]) -> Place | None:
    """Pick among same-named units by the ancestors the text also names (鼓楼区 in 福州市)."""
    if not places:
        return None
    if len(places) == 1:
        return places[0]
    named = {p.name for m in context for p in m.places if not m.alias}

    def support(p: Place) -> int:
        reg = p.region
        return (reg.city in named) * 2 + (reg.province in named)

    best = max(places, key=support)
    return best if support(best) > 0 else None


def _chain_unit(written: str, context: list[Mention]) -> tuple[str, Place] | None:
    """The last place of a chain written in full (包头市九原区 → 九原区) and its unit, told apart by
    the places the text names; None when no tail of ``written`` is a place the gazetteer knows."""
    last = next((written[i:] for i in range(len(written)) if written[i:] in gazetteer().by_name), None)
    unit = _resolve(gazetteer().by_name.get(last, ()), context) if last else None
    return (last, unit) if last and unit is not None else None


def _contains(outer: Place, inner: Place) -> bool:
    """``inner`` lies in (or is) ``outer``."""
    o, i = outer.region, inner.region
    return all(getattr(o, f) in (None, getattr(i, f)) for f in ("province_code", "city_code", "county_code"))


def _context_region(places: list[Mention], level: Level | None, text: str = "") -> Region | None:
    """Where an unnamed or anonymized issuer sits, from the places above its level that the
    text names (a 全市 report naming 广东省, a district report naming 娄底市): the province
    most named, and its city most named; else its own counties' city; else the province the
    text's words give away (来川视察, 南粤). Peers (visits, partners) do not count; a tie between
    two provinces or two cities leaves that level unknown, never a guess."""
    if level is None:
        return None
    if level == "province":
        return _parent_of_named([m for m in places if not m.redacted and m.places and not m.peer], level) \
            or _cued_province(text)
    region = _named_region(places, level) or _cued_province(text)
    return _own_place_region(places, level, region) or region


def _own_place_region(places: list[Mention], level: Level, around: Region | None) -> Region | None:
    """The one place at the issuer's own level the text names (温州市 in a report of XX市教育局,
    眉县 in a news item on a 全县 meeting), when it lies in ``around`` (the region found from the
    places above): where a redaction missed one mention, or an unnamed issuer is set. Two such
    places leave it unknown."""
    named = [m for m in places if not m.redacted and m.places and not m.peer and not m.parent]
    own = {p for m in named if (p := _resolve(m.places, named)) is not None and p.level == level}
    if len(own) != 1:
        return None
    (place,) = own
    reg = place.region
    if around is not None and (reg.province != around.province or around.city and reg.city != around.city):
        return None
    return reg


def _cued_province(text: str) -> Region | None:
    """The one province whose nickname words (bureau.toml [province_cues]) the text uses."""
    hits = {prov for prov, cue in bureau_rules().province_cues.items() if cue.search(text)}
    if len(hits) != 1:
        return None
    (province,) = hits
    place = next((p for p in gazetteer().by_name.get(province, ()) if p.level == "province"), None)
    return place.region if place else None


def _named_region(places: list[Mention], level: Level) -> Region | None:
    named = [m for m in places if not m.redacted and m.places and not m.peer]
    above: list[Place] = []
    for m in named:
        p = _resolve(m.places, named)
        if p is not None and _above(p.level, level):
            above.append(p)
    provinces = Counter(p.region.province for p in above).most_common(2)
    if not provinces or len(provinces) == 2 and provinces[0][1] == provinces[1][1]:
        return _parent_of_named(named, level)
    province = provinces[0][0]
    in_province = [p for p in above if p.region.province == province]
    code = in_province[0].region.province_code
    cities = Counter((p.region.city, p.region.city_code) for p in in_province if p.level == "city").most_common(2)
    if cities and not (len(cities) == 2 and cities[0][1] == cities[1][1]):
        (city, city_code), _ = cities[0]
        return Region(province=province, city=city, province_code=code, city_code=city_code)
    return Region(province=province, province_code=code)


def _parent_of_named(named: list[Mention], level: Level) -> Region | None:
    """A city report that names no place above it but several of its own counties (舒城县,
    金寨县, 霍邱县): the city they all belong to; a province's, several of its cities or counties
    (a speech at a meeting held in 大理州巍山县): that province. Only when at least
    ``min_children`` distinct places are named and every one of them lies in that city or province."""
    if level not in ("city", "province"):
        return None
    below = {p for m in named if (p := _resolve(m.places, named)) is not None
             and (p.level == "county" or level == "province" and p.level == "city")}
    if level == "province":
        provinces = {(p.region.province, p.region.province_code) for p in below}
        if len(below) < bureau_rules().min_children or len(provinces) != 1:
            return None
        ((province, pcode),) = provinces
        return Region(province=province, province_code=pcode) if province else None
    cities = {(p.region.province, p.region.province_code, p.region.city, p.region.city_code) for p in below}
    if len(below) < bureau_rules().min_children or len(cities) != 1:
        return None
    ((province, pcode, city, ccode),) = cities
    return Region(province=province, city=city, province_code=pcode, city_code=ccode) if city else None


def _level_of(place: Place | None, written: str) -> Level | None:
    if place is not None:
        return place.level
    return _admin_level(written)


def _above(level: Level | None, than: Level) -> bool:
    """``level`` is a higher administrative level than ``than`` (city above county)."""
    return level is not None and LEVELS.index(level) < LEVELS.index(than)


def _group_level(ms: list[Mention], context: list[Mention]) -> Level | None:
    """The gazetteer level of a named bureau's place (都江堰市: county), when it resolves."""
    p = _resolve(ms[0].places, context)
    return p.level if p else None


def _alone_in_file(report: Report) -> bool:
    """The first report, with (next to) no Chinese text after it: not part of a compilation."""
    if report.index != 1:
        return False
    limit = bureau_rules().tail_han_max
    tail = HAN_CHAR.finditer(report.clean.text, report.span[1])
    return sum(1 for _ in itertools.islice(tail, limit)) < limit


def _unglossed(line: str) -> str:
    """A removed line without the pinyin a site glued after its characters (九原区(qū)发(fā)改委), as
    the cleaner takes it off the text it keeps."""
    for rule, pat, requires in noise_rules().inline:
        if rule == "pinyin_gloss" and requires in line:
            line = pat.sub("", line)
    return line


def _source_lines(report: Report) -> list[str]:
    """The publisher lines the cleaner removed from the report's file, simplified: 来源/发布单位
    lines (from the label on: 发布时间: … 来源: 某区发改委), and a local government portal's tagline (某县人民政府门户网站)."""
    r = bureau_rules()
    out = []
    for removal in report.clean.removed:
        line = to_simplified(_unglossed(removal.text.strip()))
        if removal.rule == "site_meta" and (m := r.source_line_start.search(line)):
            out.append(line[m.start():])
        elif removal.rule == "site_tagline" and (m := r.portal.match(line)):
            out.append(m.group(0))
    return out


def _signature_lines(report: Report) -> list[str]:
    """Lines before the report's body that are nothing but a bureau's name: the signature of a
    notice that issued the report (现将《…工作要点》印发给你们 / 上海市某区教育局 / 日期)."""
    out = []
    for line in report.clean.text[:report.span[0]].splitlines():
        name = SPACE_RUN.sub("", line)
        ms = bureau_mentions(name, 0) if len(name) <= bureau_rules().signature_max else []
        if len(ms) == 1 and ms[0].end == len(name) and skip_places(name, ms[0].start) == 0:
            out.append(name)
    return out


def _hidden_place(body: str, schools: bool) -> re.Match | None:
    """The first run of redaction glyphs written as the issuer's place without its kind: before
    教育 (xxx教育), after a word that opens a place (美丽xx), or, when ``schools``, before a
    school's number (*四中); or the whole place before a bureau's suffix (***教育局). Blanks (__) hide a place only written with its kind (__县)."""
    r = bureau_rules()
    for m in patterns().glyph_run.finditer(body):
        if m.group(0)[0] in r.blanks:
            continue  # 《__教育纲要》, 20__年: a template's blanks, filled in by whoever uses it
        if (r.hidden_own.match(body, m.end()) or patterns().suffix.match(body, m.end()) or any(body.endswith(w, 0, m.start()) for w in r.alias_before)
                or schools and r.hidden_school.match(body, m.end())):
            return m
    return None


def _self_kind(text: str) -> tuple[str, Level] | None:
    """The kind of place (县, 区, 市) the text refers to itself by most (我区, 全区 → 区)."""
    r = bureau_rules()
    votes: Counter = Counter()
    for word, (_level, weight) in r.self_refs.items():
        if word[-1] in r.admin_levels:
            votes[word[-1]] += weight * text.count(word)
    if not votes or max(votes.values()) == 0:
        return None
    kind = votes.most_common(1)[0][0]
    return kind, r.admin_levels[kind]  # type: ignore[return-value]


def _place_at_level(named: list[Mention], lvl: Level | None,
                    superiors: Collection[str] = ()) -> tuple[Place, Mention | None] | None:
    """The named place that is the issuer at level ``lvl`` (any level when None): the most named,
    never in passing and never one of ``superiors`` (a place that once reads as a superior is one
    wherever it is written); counties support their city (建湖 → 盐城市 for a city bureau)."""
    weights = bureau_rules().weights
    # counties support their city (博兴县 cited in a 全市 report), but one county named throughout
    # and no other (盐田区 eight times in a 全市 news item) is the issuer itself
    mentions = Counter(m.place for m in named if not m.passing and any(p.level == "county" for p in m.places))
    counties = set(mentions)
    score: Counter = Counter()
    first: dict[Place, Mention] = {}
    for m in named:
        cands = m.places
        if len(cands) > 1:
            r = _resolve(cands, named)
            if r is None:
                continue
            cands = (r,)
        p = cands[0]
        w = weights.alias if m.alias else weights.full_name
        if m.passing or m.place in superiors:
            continue
        # a municipality's own report says 全市 (重庆市 is a province that is its own city)
        if lvl is None or p.level == lvl or (lvl == "city" and p.name in gazetteer().municipalities):
            score[p] += w
            first.setdefault(p, m)
        if p.level == "county" and lvl == "city" and len(counties) == 1 and p.name.endswith("市") and m.alias \
                and not any(q.level == "city" for n in named for q in n.places):
            # the one place named, by its short name, is a county-level city and no city is: its own
            # 我市 (推进邵武教育; a full name found inside other words, 今天全市, is not trusted so far)
            score[p] += w
            first.setdefault(p, m)
            continue
        if p.level == "county" and lvl == "city" and not (len(counties) == 1 and mentions[m.place] >= 3):
            anc = _resolve(gazetteer().by_name.get(p.region.city or "", ()), named)
            if anc and anc.level == "city":  # a municipality (重庆市) is no district's city bureau
                score[anc] += w / weights.county_to_city
    if not score:
        return None
    top = max(score.values())
    best_places = [p for p, s in score.items() if s == top]
    # places on one path (浙江省 ⊃ 德清县): the most specific one is the issuer
    deepest = max(best_places, key=lambda p: LEVELS.index(p.level))
    if all(_contains(p, deepest) for p in best_places):
        best_places = [deepest]
    if len(best_places) != 1:
        return None
    return best_places[0], first.get(best_places[0])


def _placeless_issuer(text: str, by_level: list[LevelMention],
                      said_level: Level | None) -> tuple[str, str, Level | None, int, bool] | None:
    """A bureau named without any place: (as written, its suffix, level, start in ``text``,
    published). Published when a 来源:/发布机构: line names it, by its level (发布机构:市教育和体育局)
    or by its kind alone (来源: 教育体育局): the issuer as written. Otherwise the first one named by
    its level at the level the text speaks from (县教体局 with 我县; ``by_level`` holds none named in
    passing), which only a news outlet of its place can name (a template's 县教育局工作总结 is no
    issuer: the dev golds' reading)."""
    published = [m for m in by_level if m.source]
    if published:
        m = published[0]
        return text[m.start:m.end], m.suffix, m.level, m.start, True
    source_line = bureau_rules().source_line
    for s in patterns().suffix.finditer(text):
        if source_line.search(text[text.rfind("\n", 0, s.start()) + 1:s.start()]):
            return s.group(0), s.group(0), None, s.start(), True
    own = [m for m in by_level if m.level == said_level]
    if own:
        m = own[0]
        return text[m.start:m.end], m.suffix, m.level, m.start, False
    return None


def _department(text: str, title_end: int) -> tuple[str, str, str, int] | None:
    """The first government department other than education (bureau.toml [department]) written with
    its place or level on the title, a 来源: line or as a sentence's subject: (as written, its place
    or level, its kind, start). Cited ones (据某区发改委) are not."""
    r = bureau_rules()
    for m in r.department.finditer(text):
        s = skip_places(text, m.start())
        if s == m.start() and s > 0 and text[s - 1] in r.admin_levels:
            s -= 1  # 盟统计局: named by its level
        if s == m.start():
            continue
        line = text[text.rfind("\n", 0, s) + 1:s]
        if s < title_end or r.source_line.search(line) or not line.strip() or line.rstrip()[-1] in r.sentence_ends:
            return text[s:m.end()], text[s:m.start()], m.group(0), s
    return None


def _outlet_place(text: str, level: Level | None) -> Place | None:
    """The one place at ``level`` a news outlet of the text is named after (砀山新闻网讯, 来源:
    某县融媒体中心), when the gazetteer knows one place of that name only."""
    if level is None:
        return None
    gz = gazetteer()
    found = set()
    for m in bureau_rules().outlet.finditer(text):
        name = m.group(1)
        cands = gz.by_name.get(name) or gz.by_alias.get(name) or ()
        if len(cands) == 1 and cands[0].level == level:
            found.add(cands[0])
    return found.pop() if len(found) == 1 else None


def extract_bureau(report: Report) -> Bureau:
    """The issuing bureau of ``report`` (see the module docstring for the order of evidence)."""
    clean = report.clean
    r = bureau_rules()
    # the file name often carries the bureau (城东区教育局2021年工作总结.docx): read it with the title,
    # but only for a report alone in its file (a compilation's reports each have their own)
    alone = _alone_in_file(report)
    stem = Path(report.source.name).stem if alone else ""
    title = " ".join(t for t in (report.title, stem) if t)
    if alone:  # the page's 来源:/发布单位: lines, which the cleaner drops as furniture, name the publisher,
        # and so does the signature of a notice the report was issued with
        title = "\n".join([title, *_source_lines(report), *_signature_lines(report)])
    # title first (its positions are < title_end), then the body; offsets map back via `base`
    body_start = report.span[0]
    text = title + "\n" + report.text
    title_end = len(title)

    def orig(m: Mention) -> tuple[int, int] | None:
        return orig_at(m.start - title_end - 1, m.end - title_end - 1) if m.start >= title_end + 1 else None

    def orig_at(start: int, end: int) -> tuple[int, int]:
        """Original span of body[start:end] (the title is not necessarily inside the body)."""
        return clean.original_span((body_start + start, body_start + end))

    said_level, _votes = self_level(report.text)
    bureaus = bureau_mentions(text, title_end)
    places = place_mentions(text, title_end)
    by_level = [m for m in level_mentions(text, title_end) if not (m.parent or m.peer)]
    titled_levels = {m.level for m in by_level if m.in_title}
    if len(titled_levels) == 1:
        # the title names the issuer by its level (市教育局…工作总结): that is the level it
        # speaks from, whatever a few 全县/县区 in the body vote
        said_level = next(iter(titled_levels))
    lvl = said_level
    if lvl is None and by_level:
        # no 我县/全市: a bureau named by its level alone (市教育局) tells the level
        lvl = Counter(m.level for m in by_level).most_common(1)[0][0]

    def strong(m: Mention) -> bool:
        return (m.in_title or m.source) and not m.passing

    # a redacted place that ever reads as a superior body is the superior, wherever it is written;
    # but the party committee and government of a place (在xx县委、县政府的领导下) lead the bureau
    # of that same place, so such a mention makes no place a superior
    # nor is a redacted place at the issuer's own level opening a document's title a superior
    # (落实《XX县…实施方案》 in a 全县 report: its own document, the place hidden)
    parent_keys = {(_norm_redacted(m.place) if m.redacted else m.place)
                   for m in bureaus + places
                   if m.parent and not m.in_title and not (m.suffix is None and r.government.match(text, m.end))
                   and not (m.redacted and said_level and _admin_level(m.place) == said_level
                            and text[m.start - 1:m.start] == "《")}
    # a superior place counts too (潍坊市各县市区 in a 全市 report of a county-level city), but not
    # a place's committee or government, which may lead the issuer's own city (在某市委领导下)
    parent_levels = {_admin_level(m.place) for m in bureaus if m.parent} | {
        _admin_level(m.place) for m in places if m.parent and not r.government.match(text, m.end)}
    if lvl == "city" and "city" in parent_levels:
        lvl = "county"  # a 市 under a superior 市: a county-level city

    # 0. a title opening with a government as its author (某区人民政府2022年履行教育职责工作报告)
    authored = r.government_title.match(report.title or "")
    if authored is not None:
        written = authored.group(1)
        if (chained := _chain_unit(written, places)) is not None:
            unit = chained[1]
            return Bureau(name=written + r.government_suffix, region=unit.region, level=unit.level,
                          anonymized=False, evidence=authored.group(0).strip())

    # 1. bureaus written with their place
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in bureaus:
        key = _norm_redacted(m.place) if m.redacted else m.place
        groups[key].append(m)
    scored = []
    for key, ms in groups.items():
        titled = any(strong(m) for m in ms)
        if not titled and (key in parent_keys or all(m.passing for m in ms)):
            continue
        level = _admin_level(ms[0].place)
        if not titled and said_level and _above(_group_level(ms, places) or level, said_level):
            continue  # 湖州市教育局 in a report that says 我县: a superior, however it is named
        if titled_levels and all(_above(_group_level(ms, places) or level, t) for t in titled_levels):
            continue  # 区教育体育局…总结 (a site's label: 洛阳市教育局): the title's own level is lower
        if not titled and titled_levels and all(_above(t, _group_level(ms, places) or level) for t in titled_levels):
            continue  # 市教育局…总结 naming XX区教育局 among its pilot units: a subordinate
        score = sum(r.weights.strong if strong(m) else r.weights.body for m in ms if not m.passing)
        if lvl and level == lvl:
            score += r.weights.own_level
        scored.append((titled, score, key, ms))
    if scored:
        # the title's (or 来源 line's) bureau wins over any number of body mentions
        scored.sort(key=lambda t: (not t[0], -t[1]))
        _, _, key, ms = scored[0]
        ms = [m for m in ms if not m.passing] or ms
        order = {s: i for i, s in enumerate(r.suffixes)}
        best = min(ms, key=lambda m: (order.get(m.suffix or "", 99), not m.in_title))
        name = best.place + (best.suffix or "")
        evidence = next((m for m in ms if not m.in_title), best)
        span = orig(evidence)
        ev_text = text[evidence.start:evidence.end]
        if best.redacted:
            return Bureau(name=name, region=_context_region(places, _admin_level(best.place), text),
                          level=_admin_level(best.place), anonymized=True, evidence=ev_text, span=span)
        place = _resolve(best.places, places)
        region = place.region if place else None
        level = _level_of(place, best.place)
        if place is not None and best.place in gazetteer().short_forms:
            name = place.name + (best.suffix or "")  # 张家川县教体局: named by the official name
        return Bureau(name=name, region=region, level=level, anonymized=False, evidence=ev_text, span=span)

    # a government's text naming no education body: the government issued it (海淀区人民政府)
    government = r.education_words.search(text) is None and r.government_cues.search(text) is not None

    def suffix_for(place: str, level: Level | None, province: str | None = None) -> str:
        """The suffix the issuer writes: the title's, else the first one at its level not of a
        body named in passing (按省教育厅要求 in a county report says nothing about the county
        bureau's name), else the one its place or level is usually named with (海南省教育厅)."""
        own = sorted([(m.start, m.suffix) for m in bureaus if not m.passing]
                     + [(m.start, m.suffix) for m in by_level if level is None or m.level == level])
        return (next((s for s in r.suffixes if s in title), None) or next((x for _, x in own), None)
                or r.default_suffix_by_place.get(place)
                or (r.county_suffix_by_province.get(province or "") if level == "county" else None)
                or r.default_suffix_by_level.get(level or "", r.default_suffix))

    # 2. a redacted place at the issuer's level
    red = [m for m in places if m.redacted and not m.peer and _norm_redacted(m.place) not in parent_keys]
    if lvl:
        red_lvl = [m for m in red if _admin_level(m.place) == lvl and (lvl != "city" or "city" not in parent_levels)]
    else:
        red_lvl = red
    if red_lvl:
        counts = Counter(_norm_redacted(m.place) for m in red_lvl)
        key = counts.most_common(1)[0][0]
        m = next(m for m in red_lvl if _norm_redacted(m.place) == key)
        level = _admin_level(m.place)
        return Bureau(name=m.place + suffix_for(m.place, level), region=_context_region(places, level, text),
                      level=level, anonymized=True, evidence=text[m.start:m.end], span=orig(m))

    # 2b. a place hidden by glyphs alone (新建*四中, xxx教育) when no place is named: the anonymized
    # bureau of the kind the issuer is named with by its level (区教育局…) or refers to itself by
    if not any(m.places for m in places if not m.passing):
        titled = [m for m in by_level if m.in_title]  # by_level holds no superior or peer
        hidden = _hidden_place(report.text, schools=bool(titled))
        named_by = titled or by_level
        kind = (text[named_by[0].start], named_by[0].level) if named_by else _self_kind(report.text)
        written = patterns().suffix.match(report.text, hidden.end()) if hidden is not None else None
        if written is not None:
            # ***教育局: the bureau written with its whole place hidden, kind and all; its level is
            # the one the text speaks from
            level = kind[1] if kind else lvl
            return Bureau(name=hidden.group(0) + written.group(0), region=_context_region(places, level, text),
                          level=level, anonymized=True, evidence=report.text[hidden.start():written.end()],
                          span=orig_at(hidden.start(), written.end()))
        if hidden is not None and kind is not None:
            char, level = kind
            name = hidden.group(0) + char + suffix_for(hidden.group(0) + char, level)
            return Bureau(name=name, region=_context_region(places, level, text), level=level, anonymized=True,
                          evidence=hidden.group(0), span=orig_at(hidden.start(), hidden.end()))

    # 2c. a text naming no education body whose title, 来源 line or a sentence's subject is another
    # department of a government (来源:九原区发改委; 。某县财政局不断强化保障): that department
    if r.education_words.search(text) is None and (dept := _department(text, title_end)) is not None:
        written, place, kind, start = dept
        named = [m for m in places if not m.redacted and m.places]
        level = r.admin_levels.get(place) if place in r.admin_levels else None
        if level is not None:  # 盟统计局: the place of its level the text names (兴安盟)
            got = _place_at_level(named, level, parent_keys)
            unit = got[0] if got else None
        else:  # the chain's last place (包头市九原区 → 九原区), named as written
            chained = _chain_unit(place, named)
            place, unit = chained if chained is not None else (place, None)
        if unit is not None:
            at = start - title_end - 1
            return Bureau(name=(unit.name if level else place) + kind, region=unit.region, level=unit.level,
                          anonymized=False, evidence=written, span=orig_at(at, at + len(written)) if at >= 0 else None)

    # 3. gazetteer places at the issuer's level; when none is named at the level its 全市/我县
    # words give, the level its own body is written with (区教委 in a district of a municipality,
    # where 全市 is the municipality)
    named = [m for m in places if not m.redacted and m.places]
    # the one place a title names (昆山市2017年教育工作意见) is the issuer's, whatever level 全市 says;
    # so is the only place a text names, several times, when none is at that level and it is not
    # above it (海淀区 in a 全市 news item)
    titled = [m for m in named if m.in_title]
    levels = [lvl] + [lv for lv, _ in Counter(m.level for m in by_level).most_common(1) if lv != lvl]
    got = _place_at_level(titled, None, parent_keys) if titled else None
    if got is None:
        got = next((g for level in levels if (g := _place_at_level(named, level, parent_keys)) is not None), None)
    if got is None and len({m.place for m in named if not m.passing}) == 1 and len(named) >= 2:
        got = _place_at_level(named, None, parent_keys)
        if got is not None and lvl is not None and _above(got[0].level, lvl):
            got = None  # 江苏省 in a 全区 report: its superior, not the issuer
    if got is not None:
        p, m = got
        suffix = r.government_suffix if government else suffix_for(p.name, p.level, p.region.province)
        return Bureau(name=p.name + suffix, region=p.region, level=p.level, anonymized=False,
                      evidence=text[m.start:m.end] if m else p.name, span=orig(m) if m else None)

    # nothing named: still anonymized when the text hides its places (x市, xx区)
    anonymized = any(m.redacted for m in places)
    region = _context_region(places, lvl, text)
    placeless = _placeless_issuer(text, by_level, said_level)
    if placeless is not None:
        # 发布机构:市教育和体育局: the issuer named without its place, as written; a news outlet of its
        # place (砀山新闻网讯 … 县教体局) names it in full
        written, suffix, level, start, published = placeless
        level = level or lvl
        outlet = _outlet_place(text, level)
        at = start - title_end - 1  # in the body, when not on the title
        span = orig_at(at, at + len(written)) if at >= 0 else None
        if outlet is not None:
            return Bureau(name=outlet.name + suffix, region=outlet.region, level=level, anonymized=anonymized,
                          evidence=written, span=span)
        if published:
            return Bureau(name=written, region=region, level=level, anonymized=anonymized, placeless=True,
                          evidence=written, span=span)
    national = r.national_speaking.search(text) if region is None and not anonymized else None
    if national is not None:
        # 教育部3月1日发布…: a news item relaying a national body's figures, no local body named
        return Bureau(name=national.group(1), region=None, level=None, anonymized=False,
                      evidence=national.group(1))
    if government and region is not None and not anonymized:
        # the government of the deepest place the text is set in (西安市委、市政府… → 西安市人民政府)
        unit = region.county or region.city or region.province
        level = "county" if region.county else "city" if region.city else "province"
        return Bureau(name=unit + r.government_suffix, region=region, level=level, anonymized=False)
    return Bureau(name=None, region=region, level=lvl, anonymized=anonymized)
