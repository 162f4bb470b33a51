"""Issuing bureau, region and level, on invented reports."""

from __future__ import annotations

import pytest

from kg.core.records import CleanText, Report, Section, Sentence, Source
from kg.extract.bureau import extract_bureau, self_level


def make_report(title, paragraphs, name="report.txt"):
    """A Report with an identity offset map and one Section per paragraph."""
    text = "\n".join([title or ""] + paragraphs)
    src = Source(path=name, name=name, sha256="0" * 64, text=text, encoding="utf-8", format="txt")
    clean = CleanText(source=src, text=text, offset_map=tuple(range(len(text) + 1)))
    pos = len(title or "") + 1
    body_start = pos
    sections = []
    for p in paragraphs:
        sections.append(Section("summary", None, None, (pos, pos + len(p)), (Sentence(p, (pos, pos + len(p))),)))
        pos += len(p) + 1
    return Report(clean=clean, index=1, title=title, span=(body_start, len(text)), sections=tuple(sections))


def region_tuple(b):
    r = b.region
    return (r.province, r.city, r.county) if r else None


def test_named_in_title_with_region_and_codes():
    b = extract_bureau(make_report("萧山区教育局2021年工作总结", ["今年我区新建学校4所。"]))
    assert b.name == "萧山区教育局" and b.level == "county" and not b.anonymized
    assert region_tuple(b) == ("浙江省", "杭州市", "萧山区")
    assert b.region.county_code and len(b.region.county_code) == 6 and b.region.code == b.region.county_code


def test_parent_bureau_is_not_the_issuer_but_disambiguates():
    # 鼓楼区 exists in several cities; the superior bureau names the right one
    b = extract_bureau(make_report("工作总结", ["在福州市教育局的指导下,鼓楼区教育局全面完成年度任务。",
                                                "全区新增学位800个。"]))
    assert b.name == "鼓楼区教育局"
    assert region_tuple(b) == ("福建省", "福州市", "鼓楼区")


def test_only_parent_named_gives_no_issuer():
    b = extract_bureau(make_report("教育局工作计划", ["按照省教育厅和宁波市教育局要求,全县各校落实课后服务。"]))
    assert b.name is None and b.level == "county" and not b.anonymized
    # the superior it names still places the unnamed county: in 宁波市, its county unknown
    assert region_tuple(b) == ("浙江省", "宁波市", None)


@pytest.mark.parametrize("title, body, name, level", [
    ("2021XX县教体局工作总结", ["XX县教体局坚持立德树人,全县新建学校2所。"], "XX县教体局", "county"),
    ("x区教育和体育局年度总结", ["全区完成招生任务。"], "x区教育和体育局", "county"),
    ("X县教科体局2020年工作情况", ["全县完成招生任务。"], "X县教科体局", "county"),  # 教育科技体育局
    ("*市教育局工作要点", ["全市教育系统"], "*市教育局", "city"),
    ("教育局上半年工作总结", ["我局牵头制定《×区课后服务实施办法》,全区推进。"], "×区教育局", "county"),
    ("调研报告", ["根据工作安排,__县教体局组成调研组,深入全县中小学。"], "__县教体局", "county"),  # blanks
    ("教育局2030年工作总结", ["今年以来,***教育局坚持立德树人,全县新建学校2所。"], "***教育局", "county"),
    # a compilation's item marker before the title's level-only bureau
    ("第1篇县教育局上半年工作总结", ["以加快xx教育内涵建设为中心,新建学校2所。"], "xx县教育局", "county"),
])
def test_anonymized(title, body, name, level):
    b = extract_bureau(make_report(title, body))
    assert (b.name, b.level, b.anonymized, b.region) == (name, level, True, None)


def test_redacted_superior_city_makes_a_county_level_city():
    b = extract_bureau(make_report("教育局工作总结", [
        "按x市教育局要求,我市开展教师培训。", "我市新建幼儿园2所,全市学校全部达标。"]))
    assert b.name is None and b.anonymized and b.level == "county"


def test_inferred_from_alias_and_self_reference():
    b = extract_bureau(make_report("教育局工作总结", ["我县宁海一中、宁海二中高考再创佳绩,全县教育稳步发展。"]))
    assert b.name == "宁海县教育局" and not b.anonymized
    assert region_tuple(b) == ("浙江省", "宁波市", "宁海县") and b.level == "county"


def test_city_bureau_and_county_level_city():
    b = extract_bureau(make_report("鄂尔多斯市教育局工作总结", ["全市各旗区学校"]))
    assert (b.name, b.level, region_tuple(b)) == ("鄂尔多斯市教育局", "city", ("内蒙古自治区", "鄂尔多斯市", None))
    b = extract_bureau(make_report("都江堰市教育局工作总结", ["我市教育"]))
    assert b.level == "county" and region_tuple(b) == ("四川省", "成都市", "都江堰市")


def test_banner_is_a_qi():
    b = extract_bureau(make_report("鄂托克旗教育体育局工作计划", ["全旗"]))
    assert b.name == "鄂托克旗教育体育局" and b.level == "county"


def test_file_name_names_the_bureau():
    b = extract_bureau(make_report(None, ["全县新建学校3所。"], name="武义县教育局2020年工作总结.docx"))
    assert b.name == "武义县教育局" and region_tuple(b)[2] == "武义县"


def test_never_named_nor_implied():
    b = extract_bureau(make_report(None, ["加强师德师风建设,开展读书活动。"]))
    assert (b.name, b.region, b.level, b.anonymized) == (None, None, None, False)


def test_words_that_look_like_places_are_not():
    # 完成县域 is not 成县; a village school named like a county is not that county
    b = extract_bureau(make_report("教育局工作总结", ["完成县域均衡验收,和平小学新建食堂。"]))
    assert b.name is None and b.region is None


def test_evidence_span_points_into_the_original():
    r = make_report("年度总结", ["今年,长兴县教育局推进集团化办学。"])
    b = extract_bureau(r)
    assert b.name == "长兴县教育局"
    assert r.source.text[b.span[0]:b.span[1]] == b.evidence


def test_self_level_votes():
    assert self_level("我县各校、全县师生")[0] == "county"
    assert self_level("我市、全市")[0] == "city"
    assert self_level("没有自称")[0] is None


@pytest.mark.parametrize("title, body, name", [
    # a government speaking, no education body named: the government issued it
    ("政府工作报告摘要", ["萧山区第九届人民代表大会第二次会议开幕,区长作政府工作报告。",
                          "今年萧山区将新建幼儿园6所,新增学位2400个。"], "萧山区人民政府"),
    ("新闻发布", ["德清县政府新闻办召开发布会,介绍全县中小学新改扩建工程进展。"], "德清县人民政府"),
    # a bureau's own report naming its superiors and an official leading its group stays the bureau's
    ("工作总结", ["德清县教育在县委、县政府的坚强领导下稳步发展。",
                  "成立了以副县长为组长的工作专班,全县新增学位900个。"], "德清县教育局"),
    ("工作总结", ["萧山区教育局牢记使命,区长亲自部署校舍建设,全区新建学校4所。"], "萧山区教育局"),
    # the education system's own meeting news: its bureau, though an official presides
    ("", ["德清县召开全县教育工作会议,副县长主持。", "全县教体系统新建学校2所。"], "德清县教育局"),
])
def test_a_government_text_names_the_government(title, body, name):
    assert extract_bureau(make_report(title, body)).name == name


@pytest.mark.parametrize("title, body, name, region", [
    # a title opening with a government as its author: the government, whatever bodies the text names
    ("德清县人民政府2031年履行教育职责情况自评报告", ["县教育局牵头,全县新建学校3所。"], "德清县人民政府",
     ("浙江省", "湖州市", "德清县")),
    ("浙江省湖州市德清县人民政府关于全县教育工作情况的报告", ["德清县教育局新建学校3所。"],
     "浙江省湖州市德清县人民政府", ("浙江省", "湖州市", "德清县")),
    # ... also inside the notice that publishes it
    ("[公示] 德清县人民政府2031年度履行教育职责情况自查自评报告的公示", ["县教育局牵头,全县新建学校3所。"],
     "德清县人民政府", ("浙江省", "湖州市", "德清县")),
    ("关于《2031年德清县人民政府履行教育职责自评报告》的公示", ["县教育局牵头,全县新建学校3所。"],
     "德清县人民政府", ("浙江省", "湖州市", "德清县")),
    # ... but not a title that names a government inside it, nor one about another matter
    ("德清县教育局关于落实县人民政府2031年教育工作部署的总结", ["全县新建学校3所。"], "德清县教育局",
     ("浙江省", "湖州市", "德清县")),
    ("德清县人民政府2031年政府信息公开工作年度报告", ["德清县教育局新建学校3所。"], "德清县教育局",
     ("浙江省", "湖州市", "德清县")),
])
def test_a_title_opening_with_a_government_names_it_the_issuer(title, body, name, region):
    b = extract_bureau(make_report(title, body))
    assert (b.name, region_tuple(b), b.level) == (name, region, "county")


@pytest.mark.parametrize("title, body", [
    ("市教育局工作总结_市教育局工作总结范文", ["市教育局紧紧围绕全市中心工作,全市新建学校3所。"]),  # a separator
    ("工作总结", ["市教育局力争实现《__教育发展纲要》目标,20__年全市新建学校3所。"]),  # a template's blanks
])
def test_one_blank_or_a_template_blank_hides_no_place(title, body):
    b = extract_bureau(make_report(title, body))
    assert b.name is None or "_" not in b.name


@pytest.mark.parametrize("title, body, region", [
    # the one place at the issuer's level a redacted report still names is where it sits
    ("市教育局工作总结", ["xx市教育局在市委、市政府领导下稳步发展,全市新建学校3所。",
                          "推荐湖州市参评省级示范,全市教育系统获表彰。"], ("浙江省", "湖州市", None)),
    # an unnamed bureau of a news item on its county's meeting
    ("", ["3月1日,德清县召开全县教育工作会议,总结全年工作。", "全县教育系统新建学校2所。"],
     ("浙江省", "湖州市", "德清县")),
    # two such places: unknown, never a guess
    ("市教育局工作总结", ["xx市教育局赴外地学习,全市新建学校3所。", "全市学生参加湖州市、嘉兴市举办的夏令营。"], None),
])
def test_region_of_an_unnamed_issuer_from_its_own_level(title, body, region):
    b = extract_bureau(make_report(title, body))
    assert (b.region.province, b.region.city, b.region.county) == region if region else b.region is None \
        or b.region.city is None


@pytest.mark.parametrize("body, region", [
    (["礼县中学新建教学楼一栋,全县新建学校2所。"], ("甘肃省", "陇南市", "礼县")),  # its school
    (["3月1日,礼县召开全县教育工作会议,全县新建学校2所。"], ("甘肃省", "陇南市", "礼县")),  # its meeting
    (["完成县域内学校布局调整,全县新建学校2所。"], None),  # 成县 inside 完成县域 is no place
])
def test_a_two_character_county_is_read_before_its_school_or_meeting(body, region):
    b = extract_bureau(make_report("工作总结", body))
    got = b.region and (b.region.province, b.region.city, b.region.county)
    assert got == region or region is None and (got is None or got[2] is None)


@pytest.mark.parametrize("body, name", [
    (["今年东城区新建学校2所,全区教育系统稳步发展。"], "东城区教育委员会"),  # a district of 北京市: 区教委
    (["今年萧山区新建学校2所,全区教育系统稳步发展。"], "萧山区教育局"),
    (["今年东城区新建学校2所,东城区教育局牵头推进,全区稳步发展。"], "东城区教育局"),  # written: as written
])
def test_an_inferred_bureau_is_named_as_its_province_names_them(body, name):
    assert extract_bureau(make_report("工作总结", body)).name == name


@pytest.mark.parametrize("title, body, name", [
    ("教育部:全国学前教育毛入园率再创新高", ["教育部3月1日发布全国教育事业统计主要结果,全国共有幼儿园29万所。"], "教育部"),
    ("", ["国家统计局今日发布监测报告,全国学前教育毛入园率为90%。"], "国家统计局"),
    # a local report that names the ministry in passing keeps its own issuer
    ("德清县教育局工作总结", ["根据教育部发布的通知,全县新建学校2所。"], "德清县教育局"),
])
def test_a_national_body_speaking_is_the_issuer_when_nothing_local_is_named(title, body, name):
    b = extract_bureau(make_report(title, body))
    assert b.name == name and (b.region is not None) == (name == "德清县教育局")


@pytest.mark.parametrize("title, body, name", [
    # the title's place wins over the level 全市 says (a county-level city's own 全市)
    ("德清县2030年教育工作意见", ["全市教育系统要以湖州市的部署为纲,全市新建学校2所。"], "德清县教育局"),
    # the only place named, several times, below the level 全省 says: the issuer's
    ("", ["萧山区今年将新增学位4000个。", "全省统筹推进,萧山区新建学校3所。"], "萧山区教育局"),
    # the only place named is above the level 全区 says: a superior, no issuer
    ("区教育局工作要点", ["创建浙江省平安校园示范区,全区教育系统推进。", "浙江省督导组来区检查,全区新建学校2所。"], None),
    # a title's placeless city bureau: a district bureau among its pilot units is a subordinate
    ("市教育局半年工作总结", ["制定下发《XX市教育信息化实施方案》。", "XX区教育局、市四中为省级试点单位。"], "XX市教育局"),
])
def test_a_titled_or_only_place_names_the_issuer(title, body, name):
    assert extract_bureau(make_report(title, body)).name == name


@pytest.mark.parametrize("body, name", [
    # one county named throughout a 全市 text, and no other: the issuer itself
    (["全市统筹推进,萧山区今年新增学位4000个。", "萧山区新建学校3所,萧山区办学条件改善。"], "萧山区教育局"),
    # a county cited once in a 全市 report supports its city
    (["全市新建学校3所,其中萧山区2所。"], "杭州市教育局"),
    # ... but a county-level city, the one place named and no city with it, is its own 我市
    (["在市委、市政府的领导下,积极推进邵武教育持续健康发展。", "目前,我市学校有120所。"], "邵武市教育局"),
])
def test_one_county_named_throughout_is_the_issuer(body, name):
    assert extract_bureau(make_report("", body)).name == name


@pytest.mark.parametrize("title, body, name, level", [
    # a portal's metadata names the publisher by its level alone
    ("2030学年度教育事业统计数据", ["- 发布机构:市教育和体育局", "2030年,全市共有幼儿园81所。"],
     "市教育和体育局", "city"),
    ("2030学年度教育事业统计数据", ["发布机构: | 县教育局 | 发文日期: | 2030-07-15", "2030年,全县共有幼儿园81所。"],
     "县教育局", "county"),
    # a source line names it by its kind alone
    ("教育体育局2030年为民办实事", ["来源: 教育体育局", "1.实施校舍安全工程,完成加固校舍3.03万平方米。"],
     "教育体育局", None),
])
def test_a_placeless_publisher_is_named_as_written(title, body, name, level):
    b = extract_bureau(make_report(title, body))
    assert (b.name, b.level, b.region, b.placeless, b.anonymized, b.shared_name) == (name, level, None, True,
                                                                                        False, None)


@pytest.mark.parametrize("title, body", [
    ("工作总结", ["根据省教育厅部署,全省新建学校30所。"]),  # a superior's instruction
    ("工作总结", ["转发省教育厅文件,全省各地抓好落实。"]),  # a superior's document forwarded
    ("工作总结", ["在县教育局的指导下,全县各校开展课后服务。"]),  # a superior of a school's report
    ("工作总结", ["全县教师赴县教育局考察学习,全县新建学校2所。"]),  # a visit
    # named by its level or kind alone on a template's title or as a subject, with no publisher
    # line: no issuer, as the dev golds read such texts
    ("2030年法治政府建设报告", ["2030年,省教育厅坚持依法治教,全省新建学校30所。"]),
    ("教育体育局2030年度工作报告", ["20__年,教体局坚持立德树人,全面落实我县部署。"]),
    ("县教育局2030年上半年工作总结", ["上半年,县教育局紧紧围绕县委中心工作,全县新建学校2所。"]),
])
def test_a_placeless_body_named_in_passing_or_on_a_template_is_no_issuer(title, body):
    b = extract_bureau(make_report(title, body))
    assert b.name is None and not b.placeless


@pytest.mark.parametrize("body, name, region", [
    # a news outlet named after the county places the issuer named without it
    (["德清新闻网讯 今年,我县实施三项教育民生工程。", "县教体局立足早谋划,全县新建学校2所。"],
     "德清县教体局", ("浙江省", "湖州市", "德清县")),
    # an outlet whose name several places bear (鼓楼区) places nothing: never a guess
    (["鼓楼新闻网讯 今年,我区实施三项教育民生工程。", "区教体局立足早谋划,全区新建学校2所。"], None, None),
    # nor one at another level than the issuer's (a city's paper on a county's bureau)
    (["湖州日报讯 今年,我县实施三项教育民生工程。", "县教体局立足早谋划,全县新建学校2所。"], None, None),
])
def test_a_news_outlet_places_a_placeless_issuer(body, name, region):
    b = extract_bureau(make_report("", body))
    assert (b.name, region_tuple(b), b.placeless) == (name, region, False)


@pytest.mark.parametrize("title, body, name, region", [
    # a statistics bureau's bulletin on education: its 来源 line names it by its level, the title its place
    ("德清县教育事业稳步发展", ["来源:县统计局", "全县共有学校50所,在校生3万人。"],
     "德清县统计局", ("浙江省", "湖州市", "德清县")),
    # a budget office as the subject of its own account
    ("", ["百年大计,教育为本。德清县财政局不断强化保障,全县教育支出增长8%。"],
     "德清县财政局", ("浙江省", "湖州市", "德清县")),
    # a department cited is no issuer
    ("", ["据德清县发改委统计,全县共有学校50所。", "德清县新建学校2所。"], "德清县教育局", ("浙江省", "湖州市", "德清县")),
    # any education body named: the department is named in passing
    ("", ["德清县财政局拨付资金,德清县教育局推进校舍建设。"], "德清县教育局", ("浙江省", "湖州市", "德清县")),
])
def test_another_department_speaking_of_education_is_the_issuer(title, body, name, region):
    b = extract_bureau(make_report(title, body))
    assert (b.name, region_tuple(b), b.placeless) == (name, region, False)


@pytest.mark.parametrize("title, body, name, region", [
    # a county renamed since (上饶县 → 广信区, 2019): named as written, placed under today's name
    ("上饶县教育体育局2017年工作总结", ["全县新建学校3所。"], "上饶县教育体育局", ("江西省", "上饶市", "广信区")),
    ("2017年教育工作总结", ["上饶县一中扩建完成,全县新建学校3所。"], "上饶县教育局", ("江西省", "上饶市", "广信区")),
    # an autonomous county by its short name and whole kind
    ("", ["双江自治县优先保障教育投入,全县新建学校3所。", "双江自治县新增学位900个。"],
     "双江拉祜族佤族布朗族傣族自治县教育局", ("云南省", "临沧市", "双江拉祜族佤族布朗族傣族自治县")),
])
def test_old_and_short_names_find_the_current_unit(title, body, name, region):
    b = extract_bureau(make_report(title, body))
    assert (b.name, region_tuple(b)) == (name, region)


def test_a_disclosure_records_table_names_the_publisher(tmp_path):
    """索引号 | … | 发布机构 | 德清县教育体育局 |, cleaned away as the page's record, names the issuer as
    written, over the generic name the body gives it (县教育局)."""
    from kg.pipeline.stages import extract_source
    from kg.text.ingest import read_source

    path = tmp_path / "report.txt"
    path.write_text("索引号 | 000012345-6-11_B/2031-0301001 | 发布机构 | 德清县教育体育局 |\n"
                    "德清县2030年教育工作总结\n2030年,在县委、县政府的领导下,县教育局坚持立德树人,"
                    "全县新建学校3所,新增学位1200个,办学条件持续改善。\n", encoding="utf-8")
    (facts,) = extract_source(read_source(path))
    assert facts.bureau.name == "德清县教育体育局"
