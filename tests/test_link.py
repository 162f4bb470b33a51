"""kg.pipeline.link: the streaming Linker decides what the old all-in-memory passes decided."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from graph_fixtures import QINGSHAN, sample_facts

from kg.core.records import Region
from kg.pipeline.link import Linker, LinkKeys, LinkPlan

LONG_HEAD = "一、主要工作。" + "全年推进教师交流轮岗,课后服务实现全覆盖。" * 4  # >= 50 characters


def link(facts):
    """What a build does with all reports: each added to a Linker, the plan applied to them."""
    linker = Linker()
    linker.add(facts)
    return linker.plan().apply(facts)


def _copy(f, name, **kw):
    return replace(f, source=replace(f.source, path=f"/in/{name}", name=name), **kw)


def test_same_report_in_two_files_is_kept_once_the_first_by_name():
    a = replace(sample_facts()[0], head=LONG_HEAD)
    b = _copy(a, "zz-copy.txt")
    kept = link([b, a])
    assert [f.source.name for f in kept] == [a.source.name]


def test_short_heads_are_never_called_duplicates():
    a = sample_facts()[0]
    assert len(a.head) < 50
    assert len(link([a, _copy(a, "zz-copy.txt")])) == 2


def test_same_bytes_under_two_paths_keep_one_report_not_zero():
    """Report keys come from content, so two copies share a key: identity must be the path."""
    a = replace(sample_facts()[0], head=LONG_HEAD)
    b = replace(a, source=replace(a.source, path="/other/qingshan.txt"))
    assert len(link([a, b])) == 1


def test_a_placeless_bureau_takes_no_region_from_another_report():
    deep = sample_facts()[0]
    placeless = replace(deep.bureau, name="县教育局", region=None, placeless=True)
    a = _copy(deep, "a.txt", head="一份报告", bureau=replace(placeless, region=QINGSHAN))
    b = _copy(deep, "b.txt", head="另一份报告", bureau=placeless)
    out = {f.source.name: f for f in link([a, b])}
    assert out["b.txt"].bureau.region is None and out["a.txt"].bureau.region == QINGSHAN


def test_bureau_takes_the_deepest_region_and_a_duplicate_does_not_vote():
    deep = sample_facts()[0]
    shallow_region = Region(province=QINGSHAN.province, city=QINGSHAN.city,
                            province_code=QINGSHAN.province_code, city_code=QINGSHAN.city_code)
    shallow = _copy(deep, "b.txt", head="另一份报告", bureau=replace(deep.bureau, region=shallow_region))
    out = {f.source.name: f for f in link([deep, shallow])}
    assert out["b.txt"].bureau.region == QINGSHAN
    # the deeper record is a duplicate of another report: it no longer votes
    dup_deep = replace(deep, head=LONG_HEAD)
    first = _copy(dup_deep, "a.txt", bureau=replace(deep.bureau, region=shallow_region))
    out = {f.source.name: f for f in link([first, dup_deep])}
    assert set(out) == {"a.txt"} and out["a.txt"].bureau.region == shallow_region


@pytest.mark.parametrize("seed", range(5))
def test_plan_does_not_depend_on_input_order(seed):
    facts = sample_facts() + [_copy(f, f"copy-{i}.txt") for i, f in enumerate(sample_facts())]
    shuffled = facts[:]
    random.Random(seed).shuffle(shuffled)
    assert link(shuffled) == link(facts)


def test_plan_applied_file_by_file_equals_applied_at_once():
    facts = sample_facts() + [_copy(replace(f, head=LONG_HEAD), f"z{i}.txt") for i, f in enumerate(sample_facts())]
    facts += [_copy(replace(f, head=LONG_HEAD), f"y{i}.txt") for i, f in enumerate(sample_facts())]
    linker = Linker()
    by_file: dict[str, list] = {}
    for f in facts:
        linker.add([f])
        by_file.setdefault(f.source.path, []).append(f)
    plan = linker.plan()
    piecewise = [f for fs in by_file.values() for f in plan.for_keys(LinkKeys.of(fs)).apply(fs)]
    key = lambda f: (f.source.path, f.index)  # noqa: E731
    assert sorted(piecewise, key=key) == sorted(link(facts), key=key)
    assert len(piecewise) < len(facts)


def test_empty_plan_changes_nothing():
    facts = sample_facts()
    assert LinkPlan().apply(facts) == sorted(facts, key=lambda f: (f.source.name, f.source.sha256, f.index))


def test_parts_summed_up_per_file_elsewhere_plan_as_all_reports_at_once():
    """A build's workers sum each file up (LinkPart, pickled across to the build's process): the
    plan merged from the parts is the plan of one Linker fed every report, targets and all."""
    import pickle

    from target_fixtures import target_facts

    from kg.pipeline.link import LinkPart

    facts = target_facts() + [_copy(replace(f, head=LONG_HEAD), f"z{i}.txt") for i, f in enumerate(sample_facts())]
    facts.append(_copy(replace(facts[-1], head=LONG_HEAD), "zz-copy.txt"))  # a duplicate
    whole = Linker()
    whole.add(facts)
    by_file: dict[str, list] = {}
    for f in facts:
        by_file.setdefault(f.source.path, []).append(f)
    merged = Linker()
    for fs in by_file.values():
        merged.add_part(pickle.loads(pickle.dumps(LinkPart.of(fs))))
    plan = merged.plan()
    assert plan == whole.plan()
    assert plan.targets and plan.duplicates and plan.bureaus  # the case holds all three
    assert LinkPart.of(by_file[facts[0].source.path]).keys == LinkKeys.of(by_file[facts[0].source.path])
