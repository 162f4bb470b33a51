"""PDF text layers and Word files: radical code points, wrapped lines, pdfminer's warnings, and the
same invented report read as .txt, as a Chromium-printed .pdf and as a .docx giving the same facts."""

from __future__ import annotations

import html
import logging
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.core.datafiles import parse_toml
from kg.core.errors import DataFileError
from kg.core.records import Source
from kg.pipeline.stages import process_file
from kg.text.clean import clean
from kg.text.ingest import read_source
from kg.text.normalize import parse_radicals, radicals
from kg.text.segment import segment

CHROMIUM = Path("/usr/bin/chromium")


def src(text: str, fmt: str = "pdf") -> Source:
    return Source(path="r.pdf", name="r.pdf", sha256="0" * 64, text=text, encoding=fmt, format=fmt)


def _compat(ch: str) -> str:
    return radicals().get(ch) or unicodedata.normalize("NFKC", ch)


# --------------------------------------------------------------------------- radicals


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("⼀、2020年⼯作总结", "一、2020年工作总结"),  # Kangxi radicals U+2F00–U+2FDF
        ("⼆、2021年⼯作计划", "二、2021年工作计划"),
        ("全⾯推进⽴德树⼈", "全面推进立德树人"),
        ("⽂明校园", "文明校园"),
        ("⻓效机制与⻔卫制度", "长效机制与门卫制度"),  # CJK Radicals Supplement, by the table
        ("⻘⼭镇", "青山镇"),
        ("⺟婴室", "母婴室"),  # a supplement radical NFKC knows
        ("﨎地", "﨎地"),  # a unified ideograph in the compatibility block stays
        ("北京市\uf9b0", "北京市聆"),  # U+F9B0 CJK COMPATIBILITY IDEOGRAPH → 聆
        ("新建场馆3000㎡", "新建场馆3000㎡"),  # a squared unit stays: units know it as written
    ],
)
def test_radicals_and_compatibility_forms_become_characters(before: str, after: str):
    assert clean(src(before)).text == after


def test_radical_headings_are_headings_and_map_back():
    text = "⻘⼭县教育局⼯作总结\n⼀、2020年⼯作总结\n全年新建学校两所，新增学位⼀千个。\n⼆、2021年⼯作计划\n计划新建幼⼉园3所。"
    ct = clean(src(text))
    (report,) = segment(ct)
    assert (report.summary_year, report.plan_year) == (2020, 2021)
    assert [(s.kind, s.year, s.heading) for s in report.sections] == [
        ("summary", 2020, "一、2020年工作总结"), ("plan", 2021, "二、2021年工作计划")]
    for i, ch in enumerate(ct.text):
        o = text[ct.offset_map[i]]
        assert o == ch or _compat(o) == ch or unicodedata.normalize("NFKC", o) == ch, (i, o, ch)
    s = ct.text.index("工作计划")
    assert ct.original_text((s, s + 4)) == "⼯作计划"


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ('[radicals]\n"⻓" = "长长"\n', "bad entry"),
        ('[radicals]\n"a" = "长"\n', "bad entry"),
        ('[radicals]\n"⻓" = "x"\n', "bad entry"),
        ('[other]\n"⻓" = "长"\n', "radicals"),
    ],
)
def test_bad_radical_table_raises(table: str, match: str):
    with pytest.raises(DataFileError, match=match):
        parse_radicals(parse_toml(table, "radicals.toml"), "radicals.toml")


def test_shipped_radical_table_maps_supplement_radicals_to_characters():
    table = radicals()
    assert len(table) >= 40
    assert all("\u2e80" <= k <= "\u2eff" and "\u3400" <= v <= "\u9fff" for k, v in table.items())


# --------------------------------------------------------------------------- wrapped PDF lines

_WRAPPED = ["一、上半年工作回顾",
            "全县教育系统坚持立德树人根本任务，持续推进城乡义务",
            "教育一体化发展，新建学校两所，新增学位一千二百个，",
            "办学条件得到明显改善，教师队伍结构持续优化提升。",
            "二、下半年工作打算"]
_JOINED = ("一、上半年工作回顾\n全县教育系统坚持立德树人根本任务,持续推进城乡义务教育一体化发展,新建学校两所,"
           "新增学位一千二百个,办学条件得到明显改善,教师队伍结构持续优化提升。\n\n二、下半年工作打算")


@pytest.mark.parametrize("sep", ["\n", "\n\n", "\n \n", " \n", "\n ", "\n\n "])
def test_pdf_lines_wrapped_with_blank_lines_or_spaces_join(sep: str):
    text = _WRAPPED[0] + "\n" + sep.join(_WRAPPED[1:4]) + "\n\n" + _WRAPPED[4]
    assert clean(src(text, "pdf")).text == _JOINED


def test_a_number_opening_a_wrapped_pdf_line_is_kept_and_a_bare_page_number_goes():
    line = "全县教育系统坚持立德树人根本任务，组织骨干教师培训十五期，参训"
    text = "\n\n".join([line, line, line]) + "\n\n860人次，效果良好。"
    assert clean(src(text, "pdf")).text.endswith("参训860人次,效果良好。")
    bare = "\n\n".join([line, line, line]) + "\n\n18\n\n人次，效果良好。"
    assert clean(src(bare, "pdf")).text.endswith("参训人次,效果良好。")


def test_blank_lines_between_paragraphs_of_a_text_file_stay():
    text = _WRAPPED[0] + "\n" + "\n\n".join(_WRAPPED[1:4]) + "\n" + _WRAPPED[4]
    assert clean(src(text, "txt")).text.count("\n\n") == 2


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("青山县教育局2021年工作总结及2022年\n\n工作计划\n一、主要工作\n全年新建学校两所。",
         "青山县教育局2021年工作总结及2022年工作计划\n一、主要工作\n全年新建学校两所。"),
        # a finished title and a heading are never joined
        ("青山县教育局2021年工作总结\n\n工作计划\n一、主要工作", "青山县教育局2021年工作总结\n\n工作计划\n一、主要工作"),
        ("全年新建学校两所。\n\n工作计划", "全年新建学校两所。\n\n工作计划"),
    ],
)
def test_a_pdf_title_wrapped_early_joins(before: str, after: str):
    assert clean(src(before, "pdf")).text == after
    assert clean(src(before, "txt")).text == before


_PAGE_TEXT = "全县教育系统坚持立德树人根本任务,持续推进城乡义务教育一体化发展,新建学校两所,新增学位"


_BODIES = [_PAGE_TEXT + "一千个。", "各校均已按期开学,课后服务运行平稳,家长满意度稳步提升,教师培训全面展开。",
           "全年组织骨干教师培训十五期,参训人员八百余人次,教学能力明显提高,评价改革有序推进。"]


def test_running_headers_and_footers_of_pdf_pages_go():
    page = "3/5/21, 9:43 AM\n青山县教育局工作总结\n{body}\nfile:///C:/reports/qs.html\n{n}/3\n"
    text = "\x0c".join(page.format(body=b, n=n) for n, b in enumerate(_BODIES, start=1)) + "\x0c"
    ct = clean(src(text, "pdf"))
    assert ct.text.split() == _BODIES
    assert [r.rule for r in ct.removed].count("running_line") == 12
    for r in ct.removed:
        assert text[r.span[0]:r.span[1]] == r.text
    # one page: nothing repeats, only the line rules act
    one = page.format(body=_BODIES[0], n=1)
    assert clean(src(one, "pdf")).text == "青山县教育局工作总结\n" + _BODIES[0]


def test_lines_repeated_in_a_text_file_or_inside_pages_stay():
    page = "一、工作回顾\n{0}\n二、工作打算\n{1}\n三、保障措施\n{2}\n"
    text = "\x0c".join([page.format(*_BODIES), page.format(*(b.replace("。", ",下半年继续。") for b in _BODIES))])
    pdf = clean(src(text, "pdf")).text
    assert pdf.count("二、工作打算") == 2  # not at a page edge
    assert pdf.count("一、工作回顾") == 2  # a heading at the top of each page is no running header
    assert clean(src(text, "txt")).text.count("一、工作回顾") == 2


# --------------------------------------------------------------------------- same report, three forms

REPORT = [
    ("h1", "青禾县教育局2021年工作总结及2022年工作计划"),
    ("h2", "一、2021年工作总结"),
    ("p", "2021年，全县教育系统坚持立德树人根本任务，全面推进城乡义务教育一体化发展，全年新建改建校舍3所，"
          "新增学位1200个，全年共投入教育经费3.6亿元，校舍条件得到明显改善，教师队伍结构持续优化。"),
    ("p", "深化县管校聘管理改革，交流轮岗教师120名，组织骨干教师培训15期，参训860人次，课后服务实现全覆盖，"
          "课后服务参与率达到95%以上，全县中小学生近视率下降了2个百分点。"),
    ("h2", "二、存在的不足"),
    ("p", "部分乡村学校师资仍然紧缺，音体美教师数量不够，学前教育普惠性资源仍显不足。"),
    ("h2", "三、2022年工作计划"),
    ("p", "2022年，力争新建幼儿园3所，计划新增学位540个，继续推进集团化办学，全面落实双减政策，"
          "深入推进县管校聘管理改革，确保义务教育巩固率保持在99%以上。"),
]


def _facts(path: Path):
    out = process_file(path)
    assert not out.result.errors, out.result.errors
    return [
        (f.title, f.summary_year, f.plan_year, f.bureau.name, f.bureau.region, f.bureau.level,
         sorted((m.label, m.concept, m.status) for m in f.mentions),
         sorted((m.indicator, m.value, m.unit, m.comparator, m.year, m.status, m.redacted) for m in f.metrics))
        for f in out.facts
    ]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> list:
    path = tmp_path_factory.mktemp("txt") / "report.txt"
    path.write_text("\n".join(t for _, t in REPORT), encoding="utf-8")
    facts = _facts(path)
    (f,) = facts
    assert f[1:3] == (2021, 2022)
    assert len(f[6]) >= 2 and len(f[7]) >= 6
    return facts


def test_docx_gives_the_same_facts_as_txt(tmp_path: Path, reference: list):
    import docx

    d = docx.Document()
    for tag, text in REPORT:
        if tag == "p":
            d.add_paragraph(text)
        else:
            d.add_heading(text, level=int(tag[1]))
    path = tmp_path / "report.docx"
    d.save(str(path))
    assert read_source(path).format == "docx"
    assert _facts(path) == reference


def _print_to_pdf(tmp_path: Path, style: str, header_footer: bool = False) -> Path:
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)")
    body = "".join(f"<{tag}>{html.escape(text)}</{tag}>" for tag, text in REPORT)
    page = tmp_path / "report.html"
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>青禾县教育局工作总结</title>"
                    f"<style>{style}</style></head><body>{body}</body></html>", encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking",
                    *([] if header_footer else ["--no-pdf-header-footer"]),
                    f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    return pdf


@pytest.mark.slow  # each prints a PDF with headless Chromium
@pytest.mark.parametrize(
    "style",
    ["body { font-size: 16px; width: 560px }",  # lines wrap at the page width
     "body { font-size: 15px; width: 520px; line-height: 2.6 }"],  # pdfminer boxes each line: blank lines between
)
def test_chromium_pdf_gives_the_same_facts_as_txt(tmp_path: Path, reference: list, style: str):
    # with Debian's CJK fonts Chromium's text layer spells 一 工 面 … as Kangxi radicals
    pdf = _print_to_pdf(tmp_path, style)
    assert _facts(pdf) == reference


@pytest.mark.slow
def test_chromium_pdf_of_several_pages_with_header_and_footer_gives_the_same_facts(tmp_path: Path,
                                                                                reference: list):
    """Chromium prints the date, the page title, the file's address and 1/3 on every page; a
    sentence runs on over each page break."""
    pdf = _print_to_pdf(tmp_path, "body { font-size: 30px; line-height: 2 } h1 { font-size: 30px }",
                        header_footer=True)
    source = read_source(pdf)
    assert source.text.count("\x0c") >= 2  # two pages or more
    removed = {r.rule for r in clean(source).removed}
    assert "running_line" in removed
    assert _facts(pdf) == reference


def test_pdfminer_warnings_stay_off_the_terminal(tmp_path: Path, capfd, caplog):
    pdf = _print_to_pdf(tmp_path, "body { font-size: 16px }")
    logging.getLogger("pdfminer").setLevel(logging.NOTSET)
    with caplog.at_level(logging.DEBUG):
        read_source(pdf)
    assert not [r for r in caplog.records if r.name.startswith("pdfminer") and r.levelno >= logging.WARNING]
    assert "FontBBox" not in capfd.readouterr().err


# --------------------------------------------------------------------------- property

_pdf_pieces = st.sampled_from([
    "\x0c", "\n", "\n\n", " ", "⼀、", "⼯作", "⻓", "2021年", "总结", "计划", "工作计划", "ﬁle:///a.html",
    "1/3", "3/5/21, 9:43 AM", "青山县教育局", "新增学位", "540个", "。", ",", _PAGE_TEXT, _BODIES[1],
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pdf_pieces, max_size=40).map("".join))
def test_pdf_cleaning_is_idempotent_and_maps_back(text: str):
    ct = clean(src(text, "pdf"))
    assert clean(src(ct.text, "pdf")).text == ct.text
    assert len(ct.offset_map) == len(ct.text) + 1
    assert list(ct.offset_map[:-1]) == sorted(ct.offset_map[:-1])
    for i, ch in enumerate(ct.text):
        o = text[ct.offset_map[i]]
        assert o == ch or ch in _compat(o) or ch in " \n" and o.isspace() or ch == "," and o in ",，", (i, o, ch)
