"""The mutation fuzzer (bench/fuzz.py, tests/fixtures/mutate.py) on a few dozen files: every mangled
file is built or reported with a coded error, the clean files beside them are unaffected, and no
file goes over the per-file budget. bench/fuzz.py runs the same on a thousand and more."""

from __future__ import annotations

import pytest
from fixtures.mutate import MUTATIONS, ON_SEEDS, mutants, seeds


@pytest.fixture(scope="module")
def fuzz(bench_script):
    return bench_script("fuzz")


def test_mutants_are_deterministic_and_mutated(examples_dir):
    base = seeds(examples_dir)
    first = list(mutants(base, len(ON_SEEDS), seed=5))
    assert first == list(mutants(base, len(ON_SEEDS), seed=5))
    assert first != list(mutants(base, len(ON_SEEDS), seed=6))
    assert [name.split("-")[1] for name, _ in first] == list(ON_SEEDS) == list(MUTATIONS)[:len(ON_SEEDS)]
    assert all(data not in base.values() for _, data in first)


@pytest.mark.slow
def test_sixty_mangled_files(fuzz, tmp_path):
    result = fuzz.fuzz(66, 2, tmp_path)  # six of each mutation
    assert result["problems"] == [], result
    assert result["files"] == 66 + len(fuzz.CLEAN)
    codes = result["errors_by_code"]
    assert codes.get("E004", 0) >= 6, codes  # zip bombs and over-long texts stopped by the budget
    assert codes.get("E003", 0) >= 1 and "E999" not in codes, codes
    assert result["with_reports"] >= 30, result  # most mangled reports still give their facts
