"""kg.extract.initiatives: mentions of a report, end to end (taxonomy matching, discovery of local
programmes, status/year logic). Units: test_taxonomy_match.py, test_discovery.py, test_initiative_rules.py.

All sentences are invented for the tests; the taxonomy is tests/fixtures/mini_taxonomy.ttl.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.core.records import CleanText, Report, Section, Sentence, Source
from kg.extract.initiatives import extract_initiatives
from kg.extract.taxonomy_match import match_taxonomy
from kg.terms.taxonomy import load_taxonomy

FIXTURE = Path(__file__).parent / "fixtures" / "mini_taxonomy.ttl"
JUNK = "【网页广告】"  # what a cleaner would drop: original offsets are shifted by its length


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy(FIXTURE)


def make_report(parts: list[tuple[str, int | None, str]], summary_year=None, plan_year=None) -> Report:
    """One Section per (kind, year, text) paragraph; sentences split after 。；."""
    text = "\n".join(p[2] for p in parts)
    original = JUNK + text
    src = Source("mem.txt", "mem.txt", "0" * 64, original, "utf-8", "txt")
    clean = CleanText(src, text, tuple(range(len(JUNK), len(original) + 1)))
    sections, pos = [], 0
    for kind, year, para in parts:
        sents, p = [], pos
        for piece in re.split(r"(?<=[。；])", para):
            if piece:
                sents.append(Sentence(piece, (p, p + len(piece))))
            p += len(piece)
        sections.append(Section(kind, year, None, (pos, pos + len(para)), tuple(sents)))
        pos += len(para) + 1
    return Report(clean, 1, None, (0, len(text)), tuple(sections), summary_year, plan_year)


def run(tax, *parts, **kw):
    return extract_initiatives(make_report(list(parts), **kw), tax)


def by_label(mentions):
    return {m.label: m for m in mentions}


# --------------------------------------------------------------------------- taxonomy matching

@pytest.mark.parametrize("sentence,concept,alias", [
    ("我县深入推进“县管校用”工作，教师流动更加顺畅。", "county-managed-school-hiring", "县管校用"),
    ("全面落实区管校聘改革。", "county-managed-school-hiring", "区管校聘"),
    ("今年实施国培项目三期。", "national-training-plan", "国培项目"),  # alias written 國培項目 in the file
    ("扎实开展“国培计划”送教下乡。", "national-training-plan", None),
    ("持续做好学生资助工作，国家助学金按时发放。", "student-aid", "国家助学金"),
    ("落实“双减”政策要求。", "double-reduction", None),
    ("全力打造平安和谐校园。", "safe-campus", "平安和谐校园"),
    ("加强师德师风建设。", "ethics-year", None),
])
def test_taxonomy_match(tax, sentence, concept, alias):
    ms = run(tax, ("summary", 2023, sentence))
    hit = [m for m in ms if m.concept == concept]
    assert len(hit) == 1
    m = hit[0]
    assert m.scope == "national" and m.label == tax.concepts[concept].pref_label
    if alias:
        assert alias in m.aliases


def test_one_mention_per_concept(tax):
    ms = run(tax, ("summary", 2022, "推进县管校聘。深化区管校聘。完善县管校用配套制度。"))
    assert [m.concept for m in ms] == ["county-managed-school-hiring"]
    assert set(ms[0].aliases) == {"区管校聘", "县管校用"}


def test_passing_topic_dropped(tax):
    """A label named once inside a list of topics is not reported as an initiative."""
    ms = run(tax, ("summary", 2022, "检查内容包括食堂卫生、用电、防溺水、交通等方面。"))
    assert not ms


@pytest.mark.parametrize("sentence, concepts", [
    ("全年国家助学金惠及困难学生,其中国家助学金2800人次。", ["student-aid"]),  # the figure reports on it
    ("参加课后服务的学生比例达到95%。", []),  # a figure later in the clause is the sentence's own
    ("检查内容包括食堂卫生、防溺水等方面。", []),
])
def test_a_label_named_once_with_its_figure_right_after_it_is_reported(tax, sentence, concepts):
    assert [m.concept for m in run(tax, ("summary", 2022, sentence))] == concepts


@pytest.mark.parametrize("sentence, concepts", [
    ("紧紧围绕双减目标,优化作业设计。", ["double-reduction"]),  # what the work turns on
    ("检查内容包括双减、防溺水等方面。", []),  # in a list of topics, still a topic
])
def test_a_label_the_work_turns_on_is_reported(tax, sentence, concepts):
    assert [m.concept for m in run(tax, ("summary", 2022, sentence))] == concepts


@pytest.mark.parametrize("sentence, concepts", [
    ("有效缓解县管校聘难题。", ["county-managed-school-hiring"]),  # a problem eased
    ("各乡镇积极创办平安校园。", ["safe-campus"]),  # founded
    ("坚持县管校聘不动摇。", ["county-managed-school-hiring"]),  # a rule kept
    ("各乡镇的平安校园、食堂卫生等方面都有提升。", []),  # still a topic
])
def test_a_label_eased_founded_or_kept_is_reported(tax, sentence, concepts):
    assert [m.concept for m in run(tax, ("summary", 2022, sentence))] == concepts


# --------------------------------------------------------------------------- re-worded text

@pytest.fixture(scope="module")
def real_tax():
    return load_taxonomy()  # ontology/initiatives.ttl


@pytest.mark.parametrize("sentence,concept,surface", [
    ("今年着力推进义务教育优质平衡发展，缩小校际差距。", "compulsory-quality-balanced", "义务教育优质平衡发展"),
    ("稳步推进县管校聘变革，激活教师队伍。", "county-managed-school-hiring", "县管校聘变革"),
    ("全力打造平安院校，守牢安全底线。", "safe-campus", "平安院校"),
    ("组织实施中小学老师信息技术应用能力提升项目。", "ict-competency-2", "中小学老师信息技术应用能力提升项目"),
    ("强化学员资助工作，做到应助尽助。", "student-financial-aid", "学员资助工作"),
    ("推动义务教育优质均衡，办好每一所院校。", "compulsory-quality-balanced", "义务教育优质均衡"),
])
def test_reworded_concept(real_tax, sentence, concept, surface):
    hits = [h for h in match_taxonomy(sentence, real_tax, offset=5) if h.concept == concept]
    assert [h.surface for h in hits] == [surface]
    # offsets and surface are the text's own wording, not the label's
    assert sentence[hits[0].start - 5:hits[0].end - 5] == surface
    [m] = [m for m in run(real_tax, ("summary", 2023, sentence)) if m.concept == concept]
    assert m.label == real_tax.concepts[concept].pref_label and surface in m.aliases + (m.label,)


@pytest.mark.parametrize("sentence,concept", [
    ("推行党组织书记、校长一人担任。", "secretary-principal-one-person"),
    ("落实普职分流政策。", "vocational-general-balance"),
    ("组织开展创先争优活动。", "strive-for-excellence"),
    ("完成校网布局调整。", "school-layout-adjustment"),
    ("落实免费教科书循环使用。", "free-textbook-recycling"),
    ("推进“公参民”学校规范治理。", "public-private-school-regulation"),
    ("组织学习实践科学发展观活动。", "scientific-outlook-study"),
    ("全面落实义务教育营养餐。", "nutrition-improvement"),
    ("着力解决城区大班额问题。", "large-class-reduction"),  # 解决 a named problem is the initiative
    ("加快推进布局调整。", "school-layout-adjustment"),
    ("扎实推进未成年人思想道德建设。", "minors-moral-development"),
    ("组织学雷锋主题实践活动。", "learn-from-lei-feng"),
    ("落实课后延时效劳。", "after-school-services"),  # 效劳: a spun 服务
    ("城区学校大班额有效化解。", "large-class-reduction"),  # the problem's name, then its solving
    ("今年控辍保学成效明显,无一人辍学。", "dropout-control"),  # its results reported: the report's own work
    ("停课不停学全面推进,课程按时开出。", "online-teaching"),
    ("新招聘特岗和三支一扶教师42名。", "three-supports-one-assistance"),
    ("完成居住区配套幼儿园整治。", "residential-compound-kindergartens"),
    ("始终坚持教育优先发展战略。", "education-priority-strategy"),
    ("开展暑期托管服务，覆盖全部小学。", "summer-childcare"),
    ("政府购买学位1200个。", "government-purchased-school-places"),
    ("教育灾后重建任务全面完成。", "post-disaster-school-reconstruction"),
    ("建成易地扶贫搬迁配套学校3所。", "relocation-site-schools"),
    ("做好控辍保学、学生资助等工作。", "student-financial-aid"),  # a list closed by 等工作
    ("今年共有12名教师参加国培计划培训。", "national-training-plan"),  # a label that names itself a programme
    ("全面推行校务公开，接受师生监督。", "school-affairs-openness"),
    ("进一步健全教代会制度，保障教职工民主管理。", "staff-congress"),
    ("教育系统关工委工作扎实开展。", "care-for-next-generation"),
    ("政府履职评价再获全市第一。", "county-government-education-duty"),
    ("为特殊教育学校争取中央免费教科书。", "two-exemptions-one-subsidy"),
    ("推动教育服务乡村振兴，培养本土人才。", "education-rural-revitalisation"),
    ("以促进教育均衡发展为目标，缩小城乡差距。", "compulsory-basic-balanced"),
    # the rule-of-law annual reports every bureau publishes name these national duties
    ("本年度我局扎实推进法治政府建设，规范行政执法。", "law-based-government"),
    ("主要负责人切实履行推进法治建设第一责任人职责。", "rule-of-law-first-responsibility"),
    ("年终认真开展述职述法，接受评议。", "rule-of-law-first-responsibility"),
    ("严格落实“第一议题”制度，及时传达学习。", "first-agenda-item"),
])
def test_national_wordings_map_to_concepts(real_tax, sentence, concept):
    assert concept in {m.concept for m in run(real_tax, ("summary", 2023, sentence))}


@pytest.mark.parametrize("sentence", [
    "全县学员人数提升至500人，比上年提高3个百分点。",  # synonyms in a metric phrase, no label
    "组织学生开展平衡木比赛。",
    "该中学员工食堂改造完成。",
    "学校品质不断提高，老师们积极展开教研。",
])
def test_reworded_no_false_concept(real_tax, sentence):
    assert match_taxonomy(sentence, real_tax) == []


@pytest.mark.parametrize("sentence,expected", [
    ("全面施行青苗结伴工程、骨干班主任梯队培养计划。", ["青苗结伴工程", "骨干班主任梯队培养计划"]),  # 施行 = 实施
    ("深入展开“七彩阅读”活动。", ["七彩阅读活动"]),  # 展开 = 开展
    ("全面展开防溺水。", ["防溺水"]),  # a verb before a label makes it an initiative, re-worded too
    ("启动“银杏工程”。继续施行“银杏项目”。", ["银杏工程"]),  # one local programme however worded
    ("严格执行省定课程计划。", []),  # 执行 applies a rule: no synonym of 实施 here
])
def test_reworded_discovery(tax, sentence, expected):
    assert sorted(m.label for m in run(tax, ("summary", 2022, sentence))) == expected


def test_swapped_word_must_be_whole(tmp_path):
    # 城东中学员工资助: 学员 is no word here (中学 / 员工), so its key 城东中学生工资助 holds no 学生工资
    p = tmp_path / "t.ttl"
    p.write_text(FIXTURE.read_text(encoding="utf-8") + """
ini:pay a skos:Concept ; skos:inScheme ini:scheme ; skos:prefLabel "学生工资"@zh ; skos:broader ini:theme-equity .
""", encoding="utf-8")
    t = load_taxonomy(p)
    assert match_taxonomy("城东中学员工资助到位", t) == []
    assert [h.concept for h in match_taxonomy("落实学生工资", t)] == ["pay"]


# --------------------------------------------------------------------------- discovery

@pytest.mark.parametrize("sentence,expected", [
    ("今年开展“七彩阅读”活动，覆盖全部小学。", "七彩阅读活动"),
    ("深入实施青蓝携手工程。", "青蓝携手工程"),
    ("抓实晨光共读工程,覆盖全部小学。", "晨光共读工程"),  # 抓实/抓好 open a programme too
    ("抓好县城中学改扩建工程。", "县城中学改扩建工程"),
    ("启动“银杏计划”，培养骨干教师。", "银杏计划"),
    ("以“三访四问”行动为抓手，走访家庭。", "三访四问行动"),
    ("稳步推进学区走班选课改革。", "学区走班选课改革"),
    ("开展“书香润心”读书分享会。", "书香润心"),
    ("全面实行课堂观察积分评价制度改革。", "课堂观察积分评价制度改革"),  # 实行 is a trigger
    ("推进教学质量评价体系改革。", "教学质量评价体系改革"),  # common words, but a long name
    ("推进东湖片区学校托管项目。", "东湖片区学校托管项目"),  # 项目 where the clause ends
    ("稳步推进五星级食堂创建。", "五星级食堂创建"),
    ("推进星级食堂创建工作。", "星级食堂创建"),  # a filler (工作) may close the clause after the name
    ("在全市率先实行山区教师交通补贴制度。", "山区教师交通补贴制度"),  # 制度 where the clause ends
    ("深入实施东湖区教育事业发展五年规划。", "东湖区教育事业发展五年规划"),  # a plan where the clause ends
    ("扎实开展廉洁文化学习教育,引导党员干部。", "廉洁文化学习教育"),
    ("深入实施“十四五”湖东区教育事业发展规划。", "十四五湖东区教育事业发展规划"),  # read through the period's quotes
    ("深入实施第二个学前教育五年行动计划。", "学前教育五年行动计划"),  # the round is not the name (nor a count)
    ("以“三联三促”为抓手,推动作风转变。", "三联三促"),  # 以“…”为抓手 frames a name
    ("全力迎接“双达标”验收。", "双达标验收"),
    ("全面落实人才强县战略。", "人才强县战略"),
    ("坚持科教兴区、质量立校。", "科教兴区"),  # a strategy's formula is a name wherever written
    ("一是乡村教师周转房建设改革。", "乡村教师周转房建设改革"),  # an item that is only a name
    ("成立了教辅材料专项整治领导小组。", "教辅材料专项整治"),  # named by its leading group
    # a zone the bureau was approved for, bid for or became (the level granting it is not the name)
    ("我区获批省级劳动教育创新发展实验区。", "劳动教育创新发展实验区"),
    ("成功申报全国数字教育先行区。", "数字教育先行区"),
    ("年内成为首批湖东省阅读推广示范县。", "阅读推广示范县"),
    # a programme document the bureau wrote or applies: its title, without issuer, period or 关于…的
    ("编制了《南屏县学前教育三年行动计划(2021-2023年)》。", "学前教育三年行动计划"),
    ("出台《关于推进乡村学校振兴行动的实施方案》。", "乡村学校振兴行动"),
])
def test_discovery_local(tax, sentence, expected):
    ms = run(tax, ("summary", 2022, sentence))
    locals_ = [m for m in ms if m.scope == "local"]
    assert [m.label for m in locals_] == [expected]
    assert locals_[0].concept is None


def test_enumerated_programmes(tax):
    ms = run(tax, ("plan", 2024, "继续实施山区学校提质、“云端课堂”推广应用、平安校园等重点工程。"))
    labels = by_label(ms)
    assert "山区学校提质" in labels
    assert any("云端课堂" in m.label and m.scope == "local" for m in ms)
    assert labels["平安校园"].concept == "safe-campus"


@pytest.mark.parametrize("sentence,expected", [
    # coordinated names after one verb: one mention each; the gloss belongs to the third
    ("全面实施青苗结伴工程、骨干班主任梯队培养计划、“四优”(优师、优课、优校)培育行动。",
     ["四优培育行动", "青苗结伴工程", "骨干班主任梯队培养计划"]),
    ("启动实施城区学校扩容工程、农村学校提质计划。", ["农村学校提质计划", "城区学校扩容工程"]),  # kinds of school stay
    ("实施青蓝工程、各项工程。", ["青蓝工程"]),  # a generic item is no name, the list stays a list
    # the schools before a programme say where it runs
    ("推进城南小学、江北中学智慧校园示范工程。", ["智慧校园示范工程"]),
    ("推进城南小学、江北中学、县实验幼儿园书香校园建设工程。", ["书香校园建设工程"]),
    ("推进城南小学、江北中学。", []),  # a school list alone is no initiative
    ("实施校舍维修、操场改造工程。", []),  # not a list of names: 校舍维修 is no programme
    # an item that is no name between two names: the names stay, the item goes
    ("大力实施名师引航行动、骨干教师岗位培训、青年教师成长工程。", ["名师引航行动", "青年教师成长工程"]),
    ("实施青蓝工程、校舍维修、操场改造。", []),  # one name among works is no list of names
    # a name never runs across an item marker
    ("一是加强常规管理二是实施乡村校舍提升工程。", ["乡村校舍提升工程"]),
    ("实施阳光体育工程二是开展读书月活动。", ["阳光体育工程"]),
    ("重点做好两件事：一是组建城乡教研共同体三是推行走班选课改革。", ["城乡教研共同体", "走班选课改革"]),
    ("(1)落实教研制度(2)启动名师领航工程。", ["名师领航工程"]),
    ("推进课程建设2.深化考试评价改革。", ["考试评价改革"]),
    # a quote followed by a verb and its object names a place, not a programme
    ("由“甲地”组建教研联盟。", []),
    # 和/以及/并 join two names only after a programme noun (or a school)
    ("深入实施青苗结伴工程和骨干班主任梯队培养计划。", ["青苗结伴工程", "骨干班主任梯队培养计划"]),
    ("实施青苗结伴工程、骨干培养计划以及“四优”(优师、优课)培育行动。", ["四优培育行动", "青苗结伴工程", "骨干培养计划"]),
    ("实施阳光体育工程并启动书香校园计划。", ["书香校园计划", "阳光体育工程"]),
    ("实施青苗结伴工程并纳入年度考核。", ["青苗结伴工程"]),
    ("推进城南小学和江北中学智慧校园示范工程。", ["智慧校园示范工程"]),
    # names sharing the last one's tail
    ("实施甲山教学名师、乙水教学名师培养计划。", ["乙水教学名师培养计划", "甲山教学名师培养计划"]),
    ("启动城区学校、乡镇学校提质工程。", ["乡镇学校提质工程", "城区学校提质工程"]),
    ("推进校舍维修、操场改造工程。", []),  # the first item shares nothing with the last name
    ("推进创新教育和实践工程。", []),
])
def test_enumerations(tax, sentence, expected):
    ms = run(tax, ("summary", 2022, sentence))
    assert sorted(m.label for m in ms) == sorted(expected)
    assert all(m.scope == "local" for m in ms)


def test_heading_item(tax):
    ms = run(tax, ("summary", 2022, "3.加快推进招生考试改革。全年组织考试四次。"))
    assert [m.label for m in ms] == ["招生考试改革"]


def test_discovered_name_known_to_taxonomy_is_national(tax):
    ms = run(tax, ("summary", 2022, "开展“防溺水”专项行动。"))
    assert [m.concept for m in ms] == ["drowning-prevention"]


@pytest.mark.parametrize("sentence", [
    "坚持立德树人，办人民满意的教育，努力提高教育质量。",  # slogans
    "新建“星河实验小学”一所。",  # a school name in quotes
    "开展“溪畔小学”命名仪式。",
    "学校荣获“全国文明校园”称号。",  # an award
    "对问题整改情况开展“回头看”。",  # a quoted everyday word
    "开展各类专项检查活动。",  # only generic words
    "印发《关于规范办学行为的通知》。",  # a document title
    "完善考核评价机制。",
    "组织开展了5次安全演练活动。",  # a count, not a name
    "推进各项管理制度改革。",  # a quantified run of common words is work in general
    "推进教育教学研究改革。",  # common words, and short
    "以“立德树人”为根本任务。",  # a slogan, and 为根本 frames no programme
    "以“xx”为契机。",  # a redacted name
    "努力建设教育强县。",  # a goal, not a strategy
    "全力打造精品工程和优质工程。",  # quality words, not names
    "一是加强学校管理,落实安全责任。",  # an item that is a sentence, not a name
    "成立学校安全工作领导小组。",  # a group for routine work names no campaign
    "坚决增强四个意识。",  # a political slogan
    "实施项目建设资金管理,推进项目实施。",  # 项目 not where the verb's clause ends
    "获批省级示范区。",  # a designation with nothing but its level is no name
    "严格执行值班和请假销假制度。",  # house rules of the office, not programmes
    "落实用车报告制度。",
    "转发《关于做好暑期安全工作的通知》。",  # a notice about routine work
])
def test_no_false_discovery(tax, sentence):
    assert run(tax, ("summary", 2022, sentence)) == []


# --------------------------------------------------------------------------- status, year, spans

def test_status_and_year(tax):
    ms = by_label(run(
        tax,
        ("summary", 2022, "全面推行县管校聘。深入实施青蓝携手工程。"),
        ("plan", 2023, "继续推进县管校聘。启动“银杏计划”。"),
        summary_year=2022, plan_year=2023,
    ))
    assert ms["县管校聘"].status == "both" and ms["县管校聘"].year == 2022
    assert ms["青蓝携手工程"].status == "achieved" and ms["青蓝携手工程"].year == 2022
    assert ms["银杏计划"].status == "planned" and ms["银杏计划"].year == 2023


@pytest.mark.parametrize("sentence,status", [
    ("明年将启动“银杏计划”。", "planned"),
    ("已完成“银杏计划”首批评选。", "achieved"),
])
def test_status_from_cues_outside_sections(tax, sentence, status):
    [m] = run(tax, ("other", None, sentence))
    assert m.status == status and m.year is None


def test_report_year_fallback(tax):
    [m] = run(tax, ("other", None, "启动“银杏计划”。"), summary_year=2021)
    assert m.year == 2021 and m.status == "achieved"
    [m] = run(tax, ("other", None, "启动“银杏计划”。"), plan_year=2025)
    assert m.year == 2025 and m.status == "planned"


def test_span_quote_in_original_coordinates(tax):
    r = make_report([("summary", 2022, "今年以来，我局深入推进“县管校用”工作，成效明显。")])
    [m] = extract_initiatives(r, tax)
    assert m.quote == "我局深入推进“县管校用”工作"
    assert r.source.text[m.span[0]:m.span[1]] == m.quote_original == m.quote
    assert m.span[0] >= len(JUNK)


def test_sorted_by_span(tax):
    ms = run(tax, ("summary", 2022, "启动“银杏计划”。落实双减。推进县管校聘。"))
    assert [m.span for m in ms] == sorted(m.span for m in ms)
    assert [m.label for m in ms] == ["银杏计划", "双减", "县管校聘"]


def test_long_quote_is_trimmed(tax):
    s = "在" + "各级各类学校" * 8 + "深入推进县管校聘" + "改革试点" * 8 + "。"
    [m] = run(tax, ("summary", 2022, s))
    assert len(m.quote) <= 40 and "县管校聘" in m.quote


# --------------------------------------------------------------------------- properties

ALPHABET = "县管校聘双减开展实施推进工程计划活动“”「」，。的学校小学青蓝一二三xX0123 "


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=0, max_size=80))
def test_never_raises_and_spans_valid(text):
    tax = load_taxonomy(FIXTURE)
    r = make_report([("other", None, text)])
    for m in extract_initiatives(r, tax):
        s, e = m.span
        assert len(JUNK) <= s <= e <= len(r.source.text)
        assert r.source.text[s:e] == m.quote_original
        assert m.label and (m.concept is None) == (m.scope == "local")
