"""kg.text.clean, page markers of document-sharing (文库) exports: the run 1、 2、 3、 … that counts pages
through a file goes, real numbered lists stay, and every kept character maps back."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.core.datafiles import parse_toml
from kg.core.errors import DataFileError
from kg.core.records import Source
from kg.text.clean import clean
from kg.text.noise import parse_noise_rules
from kg.tools.inspect import format_inspection, inspect_file

# invented filler: a page of text is a few hundred characters, far longer than a list item
_PAGE = ("全镇各级学校围绕提升育人质量的目标稳步推进课程改革和教研活动"
         "教师培训覆盖每一所村小和教学点家校协同机制逐步完善")
FILL = _PAGE * 3  # about 160 characters, no sentence end


def src(text: str) -> Source:
    return Source(path="p.txt", name="p.txt", sha256="0" * 64, text=text, encoding="utf-8", format="txt")


def _maps_back(text: str) -> None:
    ct = clean(src(text))
    assert len(ct.offset_map) == len(ct.text) + 1
    for i, ch in enumerate(ct.text):
        assert text[ct.offset_map[i]] == ch or ch in " \n" or ch == ",", (i, ch)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # marker inside a word, after a blank line
        ("1、" + FILL + "认真部\n\n2、署各项工作。" + FILL + "。",
         FILL + "认真部署各项工作。" + FILL + "。"),
        # inside a number: the digits on both sides join
        ("1、" + FILL + "全年共安排资金4\n\n2、38.5万元。" + FILL + "。",
         FILL + "全年共安排资金438.5万元。" + FILL + "。"),
        # before a comma, no blank line
        ("1、" + FILL + "持续推进\n2、,全面落实。" + FILL + "。",
         FILL + "持续推进,全面落实。" + FILL + "。"),
        # alone on its line between the two halves of a sentence
        ("1、" + FILL + "持续推进\n\n2、\n全面落实。" + FILL + "。",
         FILL + "持续推进全面落实。" + FILL + "。"),
        # on the same line after a space
        ("1、" + FILL + "稳步 2、提升质量。" + FILL + "。",
         FILL + "稳步提升质量。" + FILL + "。"),
        # the first marker alone at the very start, its line break kept
        ("1、\n青山镇中心学校工作总结\n" + FILL + "扎实\n\n2、开展" + FILL + "。",
         "青山镇中心学校工作总结\n" + FILL + "扎实开展" + FILL + "。"),
        # a page that began where a paragraph began: the marker goes, the paragraph break stays
        ("1、" + FILL + "到\n\n2、位。" + FILL + "。\n\n3、二、明年打算\n" + FILL + "落\n4、实。",
         FILL + "到位。" + FILL + "。\n\n二、明年打算\n" + FILL + "落实。"),
    ],
)
def test_page_markers_go(before: str, after: str):
    ct = clean(src(before))
    assert ct.text == after
    assert {r.rule for r in ct.removed} == {"page_marker"}
    for r in ct.removed:
        assert before[r.span[0]:r.span[1]] == r.text
        assert r.text.strip()[:-1].isdigit() and r.text.strip().endswith("、")
    _maps_back(before)


LIST_AFTER_SENTENCES = ("一、主要做法\n" + FILL + "。\n1、加强师德师风建设。\n2、落实课后服务。\n"
                        "3、改善办学条件。\n二、下步打算\n1、推进集团化办学。\n2、建设智慧校园。")


@pytest.mark.parametrize(
    "text",
    [
        LIST_AFTER_SENTENCES,
        # long items ending in sentences, one per paragraph
        "主要工作\n1、" + FILL + "。\n2、" + FILL + "。\n3、" + FILL + "。",
        # an inline list after spaces: items are close together, not pages
        FILL + "。重点工作 1、强化安全管理 2、提升教学质量 3、完善评价机制。",
        # items after a colon
        "今年重点做好三项工作:\n1、" + FILL + "\n2、" + FILL + "\n3、" + FILL,
    ],
)
def test_real_numbered_lists_stay(text: str):
    ct = clean(src(text))
    assert "page_marker" not in {r.rule for r in ct.removed}
    for n in "123":
        assert f"{n}、" in ct.text


def test_a_file_with_page_markers_and_a_real_list():
    text = ("1、" + FILL + "。\n一、主要做法\n1、加强师德师风建设。\n2、落实课后服务。\n" + FILL + "认真\n\n"
            "2、组织。\n3、改善办学条件。\n" + FILL + "扎实\n3、推进。" + FILL + "稳\n4、步实施。")
    ct = clean(src(text))
    assert ct.text == (FILL + "。\n一、主要做法\n1、加强师德师风建设。\n2、落实课后服务。\n" + FILL
                       + "认真组织。\n3、改善办学条件。\n" + FILL + "扎实推进。" + FILL + "稳步实施。")
    assert [r.text for r in ct.removed] == ["1、", "\n\n2、", "\n3、", "\n4、"]
    _maps_back(text)


def test_cleaning_twice_changes_nothing():
    text = "1、" + FILL + "资金3\n\n2、26.5万元," + FILL + "推进\n3、,全面落实" + FILL
    once = clean(src(text)).text
    assert "326.5万元" in once and "推进,全面落实" in once
    assert clean(src(once)).text == once


def test_banner_of_a_sharing_site_goes():
    text = "《某镇学校工作总结(9页珍藏版)》请在某某文库网上搜索。\n1、" + FILL + "认真部\n\n2、署。" + FILL
    ct = clean(src(text))
    assert ct.text == FILL + "认真部署。" + FILL
    assert {r.rule for r in ct.removed} == {"share_site_suffix", "share_site_banner", "page_marker"}


def test_banner_with_a_lead_in_goes_and_page_one_stays_on_its_own_line():
    # the export's file name, a banner naming the title twice, then page 1 right after the title
    text = ("某镇中心学校2020年工作总结.docx\n《某镇中心学校2020年工作总结.docx》由会员分享,可在线阅读,"
            "更多相关《某镇中心学校2020年工作总结.docx(8页珍藏版)》请在某某文档网上搜索。\n1、"
            + FILL + "认真部\n2、署。" + FILL)
    ct = clean(src(text))
    assert ct.text == "某镇中心学校2020年工作总结.docx\n" + FILL + "认真部署。" + FILL
    assert [r.rule for r in ct.removed if r.rule == "page_marker"] == ["page_marker"] * 2
    _maps_back(text)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("某镇学校工作总结(9页珍藏版)》请到某某文库搜索\n" + FILL, FILL),  # no opening 《
        ("某镇学校2021年工作总结(12页可编辑)\n" + FILL, "某镇学校2021年工作总结\n" + FILL),
        ("某镇学校2021年工作总结（共3页）\n" + FILL, "某镇学校2021年工作总结(共3页)\n" + FILL),
        ("全年新建学校(3所)," + FILL, "全年新建学校(3所)," + FILL),  # not a page count
    ],
)
def test_sharing_site_title_furniture(before: str, after: str):
    assert clean(src(before)).text == after


def test_inspect_lists_page_markers(tmp_path):
    path = tmp_path / "wenku.txt"
    path.write_text("1、" + FILL + "认真部\n\n2、署。" + FILL, encoding="utf-8")
    text = format_inspection(inspect_file(path))
    assert "page_marker ×2" in text
    assert "page_marker" in text.split("Reports")[0]


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ('[page_marker]\nrule = "p"\npattern = "\\\\d、"\nmin_share = 0.6\nmin_gap = 1\nmin_median_gap = 1\n',
         "group"),
        ('[page_marker]\nrule = "p"\npattern = "(\\\\d)、"\nmin_share = 2\nmin_gap = 1\nmin_median_gap = 1\n',
         "min_share"),
        ('[page_marker]\nrule = "p"\npattern = "(\\\\d)、"\nmin_gap = 1\n', "page_marker.min_share"),
        ('[page_marker]\npattern = "(\\\\d)、"\n', "rule"),
    ],
)
def test_bad_page_marker_table_raises(table: str, match: str):
    with pytest.raises(DataFileError, match=match):
        parse_noise_rules(parse_toml(table, "noise.toml"), "noise.toml")


# --------------------------------------------------------------------------- property

# invented two-character words with distinct characters (so no doubled-character artifact can
# appear), none opening a heading, plus commas inside sentences
_WORDS = st.sampled_from(["学校", "教师", "课程", "质量", "发展", "安全", "资金", "改革", "培训", "家长",
                          "社区", "体育", "美育", "阅读", "科技", "校园", ",", "。"])
_page = st.lists(_WORDS, min_size=90, max_size=140).map(lambda ws: "".join(ws) + "推进")
_sep = st.sampled_from(["\n\n", "\n", " ", "\n \n", "\n\n\n"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_page, _sep), min_size=2, max_size=8), st.booleans())
def test_page_marker_chain_is_removed_exactly(pages, first_on_own_line):
    """Pages of random text joined mid-sentence by markers 1、…N、: the cleaner drops exactly the
    markers (and the break before each), keeps every other character, and maps each back."""
    text = "1、\n" if first_on_own_line else "1、"
    expected = ""
    for n, (page, sep) in enumerate(pages, start=1):
        if n > 1:
            text += f"{sep}{n}、"
        text += page
        expected += page
    ct = clean(src(text))
    assert ct.text == expected
    assert [r.rule for r in ct.removed] == ["page_marker"] * len(pages)
    for i, ch in enumerate(ct.text):
        assert text[ct.offset_map[i]] == ch, (i, ch)


# --------------------------------------------------------------------------- end to end

_PLAIN = [
    "青禾县教育局2021年工作总结和2022年工作计划",
    "一、2021年工作总结",
    "2021年，全县教育系统坚持立德树人根本任务，全面推进城乡义务教育一体化发展，全年新建改建校舍3所，"
    "新增学位1200个，全年共投入教育经费326.5万元用于薄弱学校改造，校舍条件得到明显改善，教师队伍结构持续优化，",
    "全面落实双减政策，课后服务实现全覆盖，课后服务参与率达到95%以上。",
    FILL + "。",
    "主要做法有三条：",
    "1、加强师德师风建设。",
    "2、落实课后服务。",
    "3、改善办学条件。",
    "二、2022年工作计划",
    "2022年，力争新建幼儿园3所，计划新增学位540个，继续推进集团化办学，深入推进县管校聘管理改革，"
    "确保义务教育巩固率保持在99%以上，进一步扩大优质教育资源覆盖面，促进全县教育均衡发展。",
    FILL + "。",
]


def test_a_sharing_site_export_gives_the_same_facts_as_the_plain_report(tmp_path):
    from kg.pipeline.stages import process_file

    plain = "\n".join(_PLAIN)
    # the same report as a sharing site exports it: a banner, page markers mid-word, mid-number,
    # before a comma
    exported = ("《青禾县教育局2021年工作总结和2022年工作计划(4页珍藏版)》请在某某文库网上搜索。\n1、" + plain)
    exported = exported.replace("326.5万元", "32\n\n2、6.5万元", 1)
    exported = exported.replace("稳步推进", "稳步推\n3、进", 1)
    exported = exported.replace("办学，深入", "办学\n4、，深入", 1)
    cut = exported.rindex("教研活动") + 2
    exported = exported[:cut] + "\n\n5、" + exported[cut:]
    (tmp_path / "plain.txt").write_text(plain, encoding="utf-8")
    (tmp_path / "wenku.txt").write_text(exported, encoding="utf-8")

    def facts(name):
        out = process_file(tmp_path / name)
        return [(f.title, f.summary_year, f.plan_year, sorted(m.label for m in f.mentions),
                 sorted((m.indicator, m.value, m.unit, m.year, m.status) for m in f.metrics)) for f in out.facts]

    got, want = facts("wenku.txt"), facts("plain.txt")
    assert got == want
    assert any(m[1] == 326.5 and m[2] == "万元" for m in want[0][4])
    ct = clean(src(exported))
    assert ct.text == clean(src(plain)).text
    assert [r.rule for r in ct.removed].count("page_marker") == 5
    assert "1、加强师德师风建设。\n2、落实课后服务。\n3、改善办学条件。" in ct.text


@pytest.mark.parametrize("furniture", [
    "- 1\n- 0\n- 约6.4千字\n- 约 12页\n- 2030-03-01 发布于某省\n- 举报\n",
    "已閱讀4頁,還剩2頁未讀, 繼續免費閱讀\n",  # the reading prompt, in traditional script too
])
def test_a_document_pages_statistics_go_and_leave_the_title_its_own_line(furniture):
    title = "某县教育局2030年工作总结和2031年工作打算"
    ct = clean(src(furniture + title + "\n" + "2030年,全县" + FILL + "。"))
    assert ct.text.startswith(title + "\n")
    assert {r.rule for r in ct.removed} == {"share_site_meta"}


@pytest.mark.parametrize("line", ["1", "约10人参加", "举报电话12345", "全县约8千字的读本发放到校"])
def test_numbers_and_words_in_body_lines_are_not_page_statistics(line):
    assert line in clean(src(FILL + "。\n" + line + "\n" + FILL + "。")).text


def test_a_disclosure_pages_record_is_site_furniture():
    """A government disclosure page opens with its record (信息类别, 公开方式, 信息索取号 …): no report."""
    record = ("• 信息类别: 工作报告\n  • 公开方式: 主动公开\n  • 生成日期:2031-01-09\n  • 公开时限: 常年公开\n"
              "  • 公开范围: 面向全社会\n  • 信息索取号:000012345/2030-00001\n")
    title = "某区教体局2030年工作总结 2031年工作计划"
    ct = clean(src(record + "\n" + title + "\n关联导读:\n\n2030年,全区" + FILL + "。"))
    assert ct.text.startswith(title.replace(" ", "") + "\n") and "关联导读" not in ct.text  # spaces between CJK go
    assert {r.rule for r in ct.removed} == {"site_meta"} and len(ct.removed) == 7


def test_a_disclosure_record_written_as_a_tables_rows_is_site_furniture():
    """索引号 | … | 发布机构 | 某县教育体育局 |: the record's row, not a link farm (the bureau reads it)."""
    row = "索引号 | 000012345-6-11_B/2031-0301001 | 发布机构 | 青禾县教育体育局 |"
    title = "青禾县2030年教育工作总结"
    ct = clean(src(row + "\n" + title + "\n2030年,全县" + FILL + "。"))
    assert ct.text.startswith(title + "\n")
    assert [(r.rule, r.text.strip()) for r in ct.removed] == [("site_meta", row)]
