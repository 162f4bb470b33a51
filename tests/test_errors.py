"""kg.core.errors: one code per error class, and the per-file catch-all for bugs."""

from __future__ import annotations

import re

import pytest

import kg.core.errors as errors
from kg.core.errors import InternalError, KgError
from kg.pipeline import stages


def _error_classes() -> list[type[KgError]]:
    return [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, KgError)]


def test_every_error_class_has_its_own_code():
    codes = [c.code for c in _error_classes()]
    assert all(re.fullmatch(r"E\d{3}", code) for code in codes), codes
    assert len(codes) == len(set(codes)), sorted(codes)


def test_no_error_class_is_defined_outside_kg_errors():
    """A code is only unique if every class lives where the test above can see it."""
    import importlib
    import pkgutil

    import kg

    outside = []
    for mod in pkgutil.walk_packages(kg.__path__, "kg."):
        if mod.name.endswith("__main__"):
            continue  # running it would start the CLI
        module = importlib.import_module(mod.name)
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, KgError) and obj.__module__ == mod.name
                    and mod.name != "kg.core.errors"):
                outside.append(f"{mod.name}.{obj.__name__}")
    assert outside == []


def test_a_bug_in_one_file_becomes_that_files_internal_error(tmp_path, monkeypatch):
    f = tmp_path / "a.txt"
    f.write_text("某县教育局2030年工作总结\n全县新建学校3所,新增学位900个。", encoding="utf-8")

    def boom(_source):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(stages.clean_stage, "clean", boom)
    outcome = stages.process_file(f)
    (err,) = outcome.result.errors
    assert err.startswith(f"[{InternalError.code}] {f}: internal error ZeroDivisionError")
    assert "please report this file" in err
    assert outcome.facts == ()


@pytest.mark.parametrize("cls", _error_classes())
def test_every_error_says_its_code_and_where(cls):
    assert str(cls("bad", path="x.txt", hint="do y")) == f"[{cls.code}] x.txt: bad (do y)"
