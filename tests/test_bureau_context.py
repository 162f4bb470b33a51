"""The issuing bureau against bureaus named in passing (visits, partners, superiors, forwarded
documents, inspections, commendations), 来源 lines, level-only names, and compilations.

All report text is invented."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_bureau import make_report, region_tuple

from kg.core.datafiles import rule_file
from kg.core.errors import DataFileError
from kg.core.records import CleanText, Report, Section, Sentence, Source
from kg.extract.bureau import extract_bureau
from kg.extract.bureau_mentions import bureau_mentions, level_mentions
from kg.extract.bureau_rules import bureau_rules


def outcome(b):
    """(name, anonymized, (province, city, county), level) of a Bureau."""
    return b.name, b.anonymized, region_tuple(b), b.level


CHANGXING = ("浙江省", "湖州市", "长兴县")
XIAOSHAN = ("浙江省", "杭州市", "萧山区")
NINGHAI = ("浙江省", "宁波市", "宁海县")


@pytest.mark.parametrize("title, body, expected", [
    pytest.param("教育局工作总结", ["全县教育稳步发展,长兴县实验小学新建食堂。",
                                    "组织骨干教师赴萧山区教育局考察学习。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="visit"),
    pytest.param("教育局工作总结", ["全县校长前往浙江省杭州市余杭区教育局跟岗学习。",
                                    "我县宁海一中、宁海二中办学水平提升。"],
                 ("宁海县教育局", False, NINGHAI, "county"), id="visit-behind-a-place-chain"),
    pytest.param("教育局工作总结", ["萧山区教育局一行来我县交流。", "全县长兴县实验小学通过验收。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="visiting-delegation"),
    pytest.param("工作总结", ["全县学校与余杭区教育局签订合作办学协议。",
                              "长兴县城区新建幼儿园2所,全县学前教育普及。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="partner-agreement"),
    pytest.param("工作总结", ["深化与兄弟县区的合作,对口帮扶xx县教育局。", "全区新建学校3所,x区教育局牵头。"],
                 ("x区教育局", True, None, "county"), id="partner-aid"),
    pytest.param("工作总结", ["在宁波市教育局关心下,全县教育提质。", "宁海一中获评省级示范校。"],
                 ("宁海县教育局", False, NINGHAI, "county"), id="superior-guidance"),
    pytest.param("工作总结", ["转发萧山区教育局《关于做好暑期安全工作的通知》。",
                              "全县长兴县实验小学开展安全教育。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="forwarded-document"),
    pytest.param("工作总结", ["根据萧山区教育局《课后服务实施方案》,长兴县各校全面推行。", "全县覆盖。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="document-by-basis"),
    pytest.param("工作总结", ["顺利迎接余杭区教育局专项检查。", "长兴县各校,全县师生。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="inspection"),
    pytest.param("工作总结", ["学校受到萧山区教育局表彰。", "长兴县城区学校,全县师生。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="commendation"),
    pytest.param("工作总结", ["荣获余杭区教育局授予的先进集体称号。", "长兴县城区学校,全县师生。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="award"),
    # the issuer's annual meeting honours its county bureaus, held at the issuer's own seat
    pytest.param("", ["2月23日,全市教育工作会议在湖州市教育局召开。会议表彰了长兴县教育局等3个县区教育局。",
                      "全市新建幼儿园5所,湖州市将持续推进教育改革。"],
                 ("湖州市教育局", False, ("浙江省", "湖州市", None), "city"), id="venue-and-honoured"),
    # a news item read on the bureau's own website: where, not a superior
    pytest.param("", ["12月10日,记者在湖州市教育局官网获悉,湖州完成新改扩建学校16所。",
                      "近年来,湖州市教育局以学校建设为抓手,全市新增学位9000个。"],
                 ("湖州市教育局", False, ("浙江省", "湖州市", None), "city"), id="its-website"),
    pytest.param("工作总结", ["湖州市教育局组织全市校长培训,我县20人参加。",
                              "全县新建学校2所,长兴县实验小学投入使用。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="named-superior-in-a-county-report"),
    pytest.param("工作总结", ["xx市教育局召开全市教育大会,我县参加。", "全县xx县第一中学扩建完成。"],
                 ("xx县教育局", True, None, "county"), id="redacted-superior-in-a-county-report"),
    pytest.param("工作总结", ["xx县教育局在xx县委、县政府领导下,全县教育稳步发展。",
                              "在xx县委的关心下,全县新建学校2所。"],
                 ("xx县教育局", True, None, "county"), id="own-place-party-committee-leads"),
    pytest.param("工作总结", ["在长兴县委、县政府的领导下,长兴县教育局全面完成任务。", "全县新建学校2所。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="own-place-government-leads"),
    pytest.param("工作总结", ["全市新建学校3所,浙江省教育厅表彰全市教师。", "xx市教育局组织全市校长培训。"],
                 ("xx市教育局", True, ("浙江省", None, None), "city"), id="anonymized-city-in-a-named-province"),
    pytest.param("工作总结", ["全市新建学校3所,诸暨市实验小学投入使用。", "高考本科上线率在绍兴市各县市区位居第一。"],
                 ("诸暨市教育局", False, ("浙江省", "绍兴市", "诸暨市"), "county"),
                 id="county-level-city-ranked-among-its-prefectures-counties"),
    pytest.param("工作总结", ["在湖州市委、市政府的领导下,全市教育稳步发展。", "湖州市新建学校3所。"],
                 ("湖州市教育局", False, ("浙江省", "湖州市", None), "city"), id="a-city-led-by-its-own-committee"),
    pytest.param("区教育体育局2030年工作总结湖州市教育局", ["湖州市教育局", "全区新建学校3所,xx区实验小学投入使用。",
                                                              "制定《xx区学前教育普及普惠实施方案》。"],
                 ("xx区教育体育局", True, ("浙江省", "湖州市", None), "county"),
                 id="a-site-label-of-a-higher-bureau-beside-a-level-only-title"),
    pytest.param("2030年工作要点", ["浙江省湖州市长兴县县教育体育局", "全县新建学校3所。"],
                 ("长兴县教育体育局", False, CHANGXING, "county"), id="level-character-written-twice"),
    pytest.param("2030年工作要点", ["全县新建学校30所,其中城区", "区教育局组织全县校长培训。"],
                 (None, False, None, "county"), id="a-common-word-before-a-level-only-bureau"),
    pytest.param("无为市教育局2030年工作总结", ["全市新建学校3所,无为八中扩建完成。"],
                 ("无为市教育局", False, ("安徽省", "芜湖市", "无为市"), "county"), id="county-renamed-a-city"),
    pytest.param("市教育局工作总结", ["我们会同市人事局完成教师招聘。", "全市新建学校3所。"],
                 (None, False, None, "city"), id="a-renamed-name-made-of-ordinary-words"),
    pytest.param("工作总结", ["全县认真落实《XX县教育基础设施提质三年行动方案》。", "全县新建学校3所。"],
                 ("XX县教育局", True, None, "county"), id="own-level-document-with-the-place-hidden"),
    pytest.param("县教育局工作总结", ["全县新建*四中、*六中,扩建*实验小学。", "全县新增学位900个。"],
                 ("*县教育局", True, None, "county"), id="place-hidden-in-its-schools-names"),
    pytest.param("局长述职报告", ["一年来,我区推进了xxx教育的全面进步。", "全区新增学位900个。"],
                 ("xxx区教育局", True, None, "county"), id="place-hidden-before-its-education"),
    pytest.param("教育局工作要点", ["全市教育系统助力生态宜居美丽xx建设。", "我市新建学校3所。"],
                 ("xx市教育局", True, None, "city"), id="place-hidden-after-a-place-opening-word"),
    pytest.param("教育局工作总结", ["我市八一中学继续由x七中领办。", "全市新增学位900个。"],
                 (None, False, None, "city"), id="a-hidden-school-without-a-level-title-is-no-evidence"),
    pytest.param("县教育局工作总结", ["全县新建四中、六中。", "全县新增学位900个。"],
                 (None, False, None, "county"), id="schools-without-a-hidden-place"),
    pytest.param("工作总结", ["荣获浙江省教育工作考核优秀单位,全市教育系统稳步发展。",
                              "xx市级单位年度考核名列第一,全市新建学校3所。"],
                 ("xx市教育局", True, ("浙江省", None, None), "city"), id="anonymized-city-under-a-superior-province"),
    pytest.param("工作总结", ["助力“幸福湖州”建设,全区学校稳步发展。", "xx区新建学校3所,全区新增学位900个。"],
                 ("xx区教育局", True, ("浙江省", "湖州市", None), "county"), id="city-in-a-happiness-slogan"),
    pytest.param("在全省学前教育推进会上的讲话", ["这次会议在湖州市长兴县召开,全省学前教育稳步发展。",
                                               "萧山区、宁海县的做法值得全省学习。"],
                 (None, False, ("浙江省", None, None), "province"), id="province-of-its-own-places"),
    pytest.param("工作总结", ["全区深入学习习近平总书记来川视察重要讲话精神。", "xx区新建学校3所。"],
                 ("xx区教育局", True, ("四川省", None, None), "county"), id="province-given-away-by-its-words"),
    pytest.param("工作总结", ["全区工作被齐鲁晚报、荆楚网等媒体报道。", "xx区新建学校3所。"],
                 ("xx区教育局", True, None, "county"), id="media-names-give-no-province"),
    pytest.param("工作总结", ["奋力谱写南粤教育新篇章,助力治蜀兴川。", "xx区新建学校3所。"],
                 ("xx区教育局", True, None, "county"), id="two-provinces-words-give-neither"),
    pytest.param("工作计划", ["全面完成诸暨教育事业规划任务。", "争创绍兴市现代化学校3所、绍兴市优质幼儿园1所。",
                              "创建绍兴市健康促进学校6所。"],
                 ("诸暨市教育局", False, ("浙江省", "绍兴市", "诸暨市"), "county"),
                 id="the-level-granting-titles-is-above-the-issuer"),
    pytest.param("工作总结", ["xx市教育局组织全市校长培训。", "长兴县、德清县新建学校各2所,安吉县扩建1所。"],
                 ("xx市教育局", True, ("浙江省", "湖州市", None), "city"), id="anonymized-city-naming-its-counties"),
    pytest.param("工作总结", ["xx市教育局组织全市校长培训。", "长兴县、萧山区新建学校各2所。"],
                 ("xx市教育局", True, None, "city"), id="counties-of-two-cities-give-no-city"),
    pytest.param("工作总结", ["xx市教育局组织全市校长培训。", "长兴县新建学校2所。"],
                 ("xx市教育局", True, None, "city"), id="one-county-is-not-enough"),
    pytest.param("教育局工作总结", ["全区新建学校3所,在湖州市委的领导下稳步发展。", "湖州市教育局表彰全区教师。"],
                 (None, False, ("浙江省", "湖州市", None), "county"), id="unnamed-district-in-a-named-city"),
    pytest.param("教育局工作总结", ["全区完成老城区学校改造,改善老城区学校环境。", "全区新建学校2所。"],
                 (None, False, None, "county"), id="a-place-name-that-is-an-ordinary-word"),
    pytest.param("张家川县教体局2018年工作总结", ["全县完成招生任务。"],
                 ("张家川回族自治县教体局", False, ("甘肃省", "天水市", "张家川回族自治县"), "county"),
                 id="an-autonomous-county-by-its-short-name"),
    pytest.param("教育局工作总结", ["努力提高办学水平和教育质量。", "全县新建学校2所。"],
                 (None, False, None, "county"), id="a-place-alias-inside-a-word"),  # 水平和教育: no 平和县
    pytest.param("教育局工作总结", ["红旗一小新建操场,朝阳二中扩建食堂。", "全区新建学校2所。"],
                 (None, False, None, "county"), id="school-names-that-are-place-aliases"),
    pytest.param("教育局工作总结", ["全区校长赴杭州市萧山区考察学习。", "全区新建学校3所。"],
                 (None, False, None, "county"), id="a-visited-place-gives-no-region"),
    pytest.param("市教育局上半年工作总结", ["全县各校和县区学校新建食堂,全市新增学位900个。",
                                          "xx市第一幼儿园XX县区分园建成,XX县区分校开工。"],
                 ("xx市教育局", True, None, "city"), id="level-only-title-beats-a-tied-body-vote"),
    pytest.param("工作总结", ["按照市教体局部署,我县xx县第一小学开展劳动教育。", "全县各校参与。"],
                 ("xx县教育局", True, None, "county"), id="level-only-superior-lends-no-suffix"),
    pytest.param("工作总结", ["市教育局召开现场会,xx市各县区参加。", "我县承办,xx县第二中学、xx县实验小学展示。",
                              "全县教师参与。"],
                 ("xx县教育局", True, None, "county"), id="level-only-superior-in-a-county-report"),
    pytest.param("工作总结", ["根据《萧山区教育局关于做好招生工作的通知》要求,长兴县各校落实。", "全县覆盖。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="document-title-in-quotes"),
    pytest.param("工作总结", ["学习借鉴余杭区教育局的经验,长兴县各校推进课改。", "全县覆盖。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="borrowed-experience"),
])
def test_bureaus_named_in_passing_are_not_the_issuer(title, body, expected):
    assert outcome(extract_bureau(make_report(title, body))) == expected


@pytest.mark.parametrize("title, body, expected", [
    pytest.param("年度工作总结", ["来源:萧山区教育局", "余杭区教育局牵头,余杭区教育局推进,全区落实。"],
                 ("萧山区教育局", False, XIAOSHAN, "county"), id="source-line"),
    pytest.param("年度工作总结", ["全区各校校长到萧山区教育局参加培训。", "全区新建学校3所。"],
                 ("萧山区教育局", False, XIAOSHAN, "county"), id="going-to-the-own-bureau-is-no-visit"),
    pytest.param("年度工作总结", ["组织教师到余杭区教育局考察课后服务。", "长兴县各校推进,全县覆盖。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="going-to-another-bureau-to-inspect"),
    pytest.param("年度工作总结", ["印发《长兴县教育局关于课后服务的实施意见》,全县推行。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="own-document-in-quotes"),
    pytest.param("年度工作总结", ["余杭区教育局牵头,余杭区教育局推进,全区落实课后服务。(来源:萧山区教育局)"],
                 ("萧山区教育局", False, XIAOSHAN, "county"), id="bracketed-source-note"),
    pytest.param("年度工作总结", ["经费来源:萧山区教育局专项拨款。", "余杭区教育局牵头,余杭区教育局推进。"],
                 ("余杭区教育局", False, ("浙江省", "杭州市", "余杭区"), "county"), id="not-a-source-line"),
    pytest.param("年度工作总结", ["发布单位:长兴县教育局", "全县新建学校2所。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="publisher-line"),
    pytest.param("萧山区教育局2022年工作总结", ["余杭区教育局" + "召开会议。" for _ in range(3)]
                 + ["余杭区教育局组织培训,余杭区教育局推进,余杭区教育局督办。"],
                 ("萧山区教育局", False, XIAOSHAN, "county"), id="title-wins-over-many-body-mentions"),
    pytest.param("赴萧山区教育局考察学习的报告", ["全县长兴县实验小学等10所学校参加。"],
                 ("长兴县教育局", False, CHANGXING, "county"), id="a-visit-in-the-title-is-still-a-visit"),
    pytest.param("工作总结", ["市教育局召开全体会议,部署xx县、xx县教师培训。", "xx市中小学全面开学。",
                              "市教育局组织校长研修。"],
                 ("xx市教育局", True, None, "city"), id="level-only-bureau-with-a-redacted-place"),
    pytest.param("县教育局工作总结", ["xx市教研室组织xx市中小学教师培训,xx市骨干教师参加。", "xx县第一中学承办。"],
                 ("xx县教育局", True, None, "county"), id="level-only-title-gives-the-level"),
])
def test_issuer_evidence(title, body, expected):
    assert outcome(extract_bureau(make_report(title, body))) == expected


@pytest.mark.parametrize("word", [*bureau_rules().parent_before, *bureau_rules().peer_before])
def test_every_before_word_marks_a_mention_as_passing(word):
    (m,) = bureau_mentions(f"今年{word}余杭区教育局开展活动", 0)
    assert m.passing and m.place == "余杭区"


@pytest.mark.parametrize("word", [*bureau_rules().parent_after, *bureau_rules().peer_after])
def test_every_after_word_marks_a_mention_as_passing(word):
    (m,) = bureau_mentions(f"余杭区教育局{word}", 0)
    assert m.passing


@pytest.mark.parametrize("before, after", [(b, a) for p in bureau_rules().pairs for b in p.before for a in p.after])
def test_an_ambiguous_word_needs_its_partner_word(before, after):
    (m,) = bureau_mentions(f"我区{before}余杭区教育局开展{after}", 0)
    assert m.peer and not m.parent
    (m,) = bureau_mentions(f"区政府{before}余杭区教育局联合发文", 0)
    assert not m.passing


@pytest.mark.parametrize("text, expected", [
    ("按照市教育局要求", [("city", True)]),
    ("我县教育局牵头", [("county", False)]),
    ("、省教育厅、市教委", [("province", False), ("city", False)]),
    ("各县教育局", []),
    ("县区教育局", []),
    ("萧山区教育局", []),  # named with its place: not a level-only name
])
def test_level_only_mentions(text, expected):
    assert [(m.level, m.parent) for m in level_mentions(text, 0)] == expected


# --------------------------------------------------------------------------- compilations


def make_compilation(name, items, tail=""):
    """One CleanText holding several reports: [(title, body), ...], each report its own span."""
    parts, spans, pos = [], [], 0
    for title, body in items:
        parts.append(title + "\n")
        pos += len(title) + 1
        spans.append((title, (pos, pos + len(body))))
        parts.append(body + "\n")
        pos += len(body) + 1
    text = "".join(parts) + tail
    src = Source(path=name, name=name, sha256="1" * 64, text=text, encoding="utf-8", format="txt")
    clean = CleanText(source=src, text=text, offset_map=tuple(range(len(text) + 1)))
    return [Report(clean=clean, index=i, title=t, span=s,
                   sections=(Section("summary", None, None, s, (Sentence(text[s[0]:s[1]], s),)),))
            for i, (t, s) in enumerate(spans, 1)]


@pytest.mark.parametrize("name, items, expected", [
    pytest.param("工作总结范文精选.txt",
                 [("萧山区教育局2021年工作总结", "全区新建学校4所,萧山区教育局推进集团化办学。"),
                  ("县教育局工作计划", "全县推进课后服务,长兴县实验小学扩建。")],
                 [("萧山区教育局", XIAOSHAN), ("长兴县教育局", CHANGXING)], id="each-its-own"),
    pytest.param("萧山区教育局工作总结汇编.txt",
                 [("第一篇 工作总结", "加强师德师风建设,开展读书活动,推进课后服务。"),
                  ("第二篇 工作计划", "全面落实立德树人根本任务,深化课堂教学改革。")],
                 [(None, None), (None, None)], id="file-name-not-lent-to-a-compilation"),
    pytest.param("教育工作汇编.txt",
                 [("萧山区教育局工作总结", "萧山区教育局全年推进集团化办学。"),
                  ("工作计划", "加强师德师风建设,开展读书活动,推进课后服务。")],
                 [("萧山区教育局", XIAOSHAN), (None, None)], id="no-fallback-to-the-previous-report"),
])
def test_compilation_reports_are_read_on_their_own(name, items, expected):
    got = [extract_bureau(r) for r in make_compilation(name, items)]
    assert [(b.name, region_tuple(b)) for b in got] == expected


def test_file_name_still_names_a_lone_report_followed_by_furniture():
    (r,) = make_compilation("长兴县教育局2020年工作总结.txt", [("工作总结", "全县新建学校3所。")],
                            tail="返回顶部")
    assert extract_bureau(r).name == "长兴县教育局"


@pytest.mark.parametrize("old, new, match", [
    ('after = ["签订"', 'after = [] # ', "non-empty list"),
    ('window = 10', 'window = "ten"', "peer.pair.window: must be a positive whole number"),
    ("pattern = '(?:", "pattern = '((?:", "source_line.pattern: bad regular expression"),
    ("hidden_own = '", "hidden_own = '((", "redaction.hidden_own: bad regular expression"),
    ("grant_window = 4", "grant_window = 2.9", "parent.grant_window: must be a positive whole number"),
    ("short_name_max = 2", "short_name_max = -3", "alias.short_name_max: must be a whole number"),
    ("[level_only]", "[level_only_renamed]", "level_only"),
    ('governing = ["委"', 'governing = [] # ', "parent.governing: must be a non-empty list"),
    ("min_children = 2", "min_children = 0", "positive whole number"),
    ("county_to_city = 2", "county_to_city = \"two\"", "weights.county_to_city: must be a positive"),
])
def test_bad_context_rules_fail_at_load(tmp_path, old, new, match):
    text = Path(rule_file("bureau.toml")[1]).read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bureau.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataFileError, match=match) as e:
        bureau_rules(str(bad))
    assert str(bad) in str(e.value)


# --------------------------------------------------------------------------- properties

_R = bureau_rules()
_PASSING = st.one_of(
    st.sampled_from([*_R.parent_before, *_R.peer_before]).map(lambda w: f"全县{w}{{}}开展活动。"),
    st.sampled_from([*_R.parent_after, *_R.peer_after]).map(lambda w: f"{{}}{w}开展工作。"),
    st.sampled_from([(b, a) for p in _R.pairs for b in p.before for a in p.after])
    .map(lambda ba: f"全县{ba[0]}{{}}开展{ba[1]}。"),
)
_OTHER = st.sampled_from(["萧山区教育局", "余杭区教育体育局", "德清县教育局", "xx县教育局", "X区教体局",
                          "湖州市教育局", "浙江省教育厅", "市教育局"])
_FEW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FEW
@given(_PASSING, _OTHER, st.integers(0, 2))
def test_a_bureau_named_in_passing_never_changes_the_issuer(sentence, other, where):
    body = ["全县教育稳步发展,长兴县实验小学新建食堂。", "我县新增学位500个。"]
    body.insert(where, sentence.format(other))
    assert outcome(extract_bureau(make_report("工作总结", body))) == ("长兴县教育局", False, CHANGXING, "county")


_chars = st.sampled_from(list("县区市省局教育体厅委我全本赴与在按照根据转发迎接受到一行签订协议《》:来源\n"
                              "萧山长兴德清湖州xX某,。、 ") + ["萧山区", "长兴县", "湖州市", "教育局", "来源:"])


@_FEW
@given(st.lists(_chars, max_size=60).map("".join), st.lists(_chars, max_size=20).map("".join))
@example(body="", title="萧山区x县")  # an anonymized county named beside one real county: placed there
def test_any_text_gives_a_bureau_whose_evidence_span_is_in_the_original(body, title):
    r = make_report(title or None, [body])
    b = extract_bureau(r)
    assert b.level in (None, "province", "city", "county")
    if b.span is not None:
        assert r.source.text[b.span[0]:b.span[1]] == b.evidence
    if b.anonymized and b.name and b.region is not None:
        # the hidden place is never invented: a region is where the text puts it, above it, or (a
        # redaction that missed one mention: the one place at the bureau's level the text names,
        # kg.extract.bureau._own_place_region) a place the text names at its level
        levels = ("province", "city", "county")
        if levels.index(b.region.level) >= levels.index(b.level):
            assert b.region.level == b.level and getattr(b.region, b.level) in r.source.text


@pytest.mark.parametrize("tagline, expected", [
    ("长兴县人民政府门户网站 www.example.gov.cn", ("长兴县教育局", False, CHANGXING, "county")),
    ("教育资讯门户网站 www.example.com", (None, False, None, "county")),  # no government's portal
])
def test_a_government_portal_tagline_places_the_issuer(tagline, expected):
    from kg.text.clean import clean
    from kg.text.segment import segment

    text = f"2030年度教育工作总结\n{tagline}\n今年以来,全县教育稳步发展,全县新建学校3所,新增学位900个,队伍素质稳步提升。"
    ct = clean(Source(path="t.txt", name="t.txt", sha256="0" * 64, text=text, encoding="utf-8", format="txt"))
    (report,) = segment(ct)
    assert outcome(extract_bureau(report)) == expected


@pytest.mark.parametrize("source_line, expected", [
    ("來源: 長興縣教育局 發布時間: 2021-03-01", ("长兴县教育局", False, CHANGXING, "county")),  # any script
    ("发布单位:长兴县教育局", ("长兴县教育局", False, CHANGXING, "county")),
    ("发布时间: 2030-03-01 10:16  来源: 长兴县教育局", ("长兴县教育局", False, CHANGXING, "county")),  # mid-line
    ("来源: 长(cháng)兴(xīng)县教育局", ("长兴县教育局", False, CHANGXING, "county")),  # pinyin glued on
    ("来源:某某范文网", (None, False, None, "county")),  # a website names no publisher
])
def test_a_source_line_the_cleaner_dropped_names_the_issuer(source_line, expected):
    from kg.text.clean import clean
    from kg.text.segment import segment

    text = f"教育工作总结\n{source_line}\n一年来,全县教育稳步发展,全县新建学校3所,新增学位900个,队伍素质稳步提升。"
    ct = clean(Source(path="t.txt", name="t.txt", sha256="0" * 64, text=text, encoding="utf-8", format="txt"))
    assert source_line.split(":")[0] not in ct.text  # the line itself is furniture
    (report,) = segment(ct)
    assert outcome(extract_bureau(report)) == expected


@pytest.mark.parametrize("signature, expected", [
    ("浙江省湖州市长兴县教育局", ("长兴县教育局", False, CHANGXING, "county")),
    ("黑龙江省大兴安岭地区行政公署教育局",  # an office between the place and the suffix is part of the name
     ("大兴安岭地区行政公署教育局", False, ("黑龙江省", "大兴安岭地区", None), "city")),
    ("长兴县教育局   ", ("长兴县教育局", False, CHANGXING, "county")),
    ("经研究,现由长兴县教育局牵头", (None, False, None, "county")),  # a sentence is no signature
])
def test_the_signature_of_the_notice_issuing_a_report_names_the_issuer(signature, expected):
    from kg.text.clean import clean
    from kg.text.segment import segment

    text = "\n".join(["关于印发《2030年区教育局工作要点》的通知", "区教育系统各单位:",
                      "现将《2030年区教育局工作要点》印发给你们,请认真贯彻执行。", signature, "2030年3月1日",
                      "2030年区教育局工作要点", "2030年,全区教育系统" + "坚持立德树人,推进学校建设,新增学位九百个。" * 5])
    ct = clean(Source(path="t.txt", name="t.txt", sha256="0" * 64, text=text, encoding="utf-8", format="txt"))
    (report,) = segment(ct)
    assert report.title == "2030年区教育局工作要点"
    assert outcome(extract_bureau(report)) == expected


@pytest.mark.parametrize("title, body, expected", [
    ("2030年工作要点", ["全省教育系统坚持立德树人,浙江省新建学校30所。", "我省学前教育普及。"],
     ("浙江省教育厅", False, ("浙江省", None, None), "province")),  # a province's bureau is its 教育厅
    ("2030年工作要点", ["全县教育系统坚持立德树人,长兴县新建学校3所。"],
     ("长兴县教育局", False, CHANGXING, "county")),
    # a district of a municipality, where 全市 is the municipality: the level its own body is
    # written with (区教委) names the issuer, with that suffix
    ("2030年工作总结", ["在南川区委、区政府的领导下,区教委深入贯彻落实教育方针,全市排名第一。",
                        "全市教育系统新建学校3所,南川区新增学位900个。"],
     ("南川区教委", False, ("重庆市", "重庆市", "南川区"), "county")),
    # a municipality's own report says 全市; its bureau is its 教育委员会
    ("2030年工作要点", ["全市教育系统坚持立德树人,重庆市新建学校30所。", "重庆市学前教育普及。"],
     ("重庆市教育委员会", False, ("重庆市", None, None), "province")),
])
def test_a_bureau_inferred_from_its_place_is_named_for_its_level(title, body, expected):
    assert outcome(extract_bureau(make_report(title, body))) == expected
