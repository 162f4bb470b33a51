"""kg.core.records: the frozen records, and evolve (a fast dataclasses.replace for them)."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal

import pytest

from kg.core.records import Metric, Region, evolve

METRIC = Metric(indicator="新建幼儿园", value=Decimal("3"), unit="所", base_value=Decimal("3"), base_unit="所",
                comparator="=", year=2023, status="achieved", redacted=False, span=(4, 12),
                quote="新建幼儿园3所", quote_original="新建幼兒園3所")


@pytest.mark.parametrize("changes", [
    {"initiative": "学前教育普及普惠"}, {"indicator_concept": "new-kindergartens"},
    {"initiative": "甲", "indicator_concept": "new-kindergartens", "period": True}, {},
])
def test_evolve_is_dataclasses_replace(changes):
    got, expected = evolve(METRIC, **changes), dataclasses.replace(METRIC, **changes)
    assert got == expected and type(got) is Metric and hash(got) == hash(expected)
    assert pickle.dumps(got, protocol=5) == pickle.dumps(expected, protocol=5)  # same fields, same order
    assert METRIC.initiative is None and METRIC.indicator_concept is None  # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.initiative = "乙"  # type: ignore[misc]


def test_evolve_refuses_an_unknown_field_as_replace_does():
    with pytest.raises(TypeError):
        evolve(METRIC, no_such_field=1)
    assert evolve(Region(province="东海省"), city="青山市").city == "青山市"


@dataclasses.dataclass(frozen=True)
class _Checked:
    n: int

    def __post_init__(self):
        if self.n < 0:
            raise ValueError("negative")


@dataclasses.dataclass(frozen=True, slots=True)
class _Slotted:
    n: int
    m: int = 0


def test_evolve_runs_post_init_and_handles_slots_through_replace():
    with pytest.raises(ValueError, match="negative"):
        evolve(_Checked(1), n=-1)
    assert evolve(_Slotted(1), m=2) == _Slotted(1, 2)
