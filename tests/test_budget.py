"""The per-file budget: a file over its CPU time, memory or character budget is stopped and reported
with E004, the process is left as it was (timer, signal handler, address-space limit), and the
next file runs normally."""

from __future__ import annotations

import io
import signal
import threading
import zipfile

import pytest

from kg.core.config import Config
from kg.core.errors import OverBudgetError
from kg.pipeline import stages
from kg.pipeline.budget import Budget, OverBudget, limits
from kg.text import ingest

resource = pytest.importorskip("resource")
MiB = 2**20


def _spin(seconds: float) -> None:
    import time

    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def _hog(mib: int) -> list[bytes]:
    """Touch ``mib`` MiB, 16 MiB at a time (resident, not just reserved)."""
    return [b"x" * (16 * MiB) for _ in range(mib // 16)]


def test_budget_of_config_is_the_config():
    b = Budget.of(Config(file_seconds=7, file_memory_mb=256, file_max_chars=99))
    assert b == Budget(7, 256 * MiB, 99)
    assert Budget.of(Config()) == Budget(30, 1024 * MiB, 1_000_000)


@pytest.mark.parametrize("work, what", [
    (lambda: _spin(5), "CPU time"),
    (lambda: _hog(512), "MiB"),
])
def test_over_budget_is_stopped(work, what):
    with pytest.raises((OverBudget, MemoryError)) as e, limits(Budget(0.5, 128 * MiB)):
        work()
    assert isinstance(e.value, MemoryError) or what in e.value.what or "took more than" in e.value.what


def test_the_process_is_left_as_it_was():
    handler = signal.getsignal(signal.SIGALRM)
    rlimit = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(OverBudget), limits(Budget(0.3, 0)):
        _spin(3)
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert resource.getrlimit(resource.RLIMIT_AS) == rlimit
    with limits(Budget(0.3, 64 * MiB)) as usage:  # and the next piece of work runs normally
        _spin(0.1)
    assert 0.05 < usage.cpu_seconds < 0.3


def _fresh_pages(mib: int) -> list:
    """Touch ``mib`` MiB of new anonymous pages: unlike bytes objects, these never reuse memory the
    process freed earlier and still holds (after a build ran in this process, a 16 MiB bytes
    comes from the heap's resident free space, and RSS grows by less than was touched)."""
    import mmap

    chunk, maps = b"x" * MiB, []
    for _ in range(mib // 16):
        m = mmap.mmap(-1, 16 * MiB)
        for _ in range(16):
            m.write(chunk)
        maps.append(m)
    return maps


def test_usage_measures_peak_memory():
    with limits(Budget(0, 0)) as usage:
        held = _fresh_pages(96)
    del held
    if usage.peak_bytes is None:
        pytest.skip("the kernel does not report peak RSS here")
    assert 80 * MiB <= usage.peak_bytes <= 200 * MiB


def test_not_enforced_outside_the_main_thread():
    """Signals reach only the main thread (Dask runs tasks in threads): measured, not stopped."""
    got = []

    def run():
        with limits(Budget(0.1, 0)) as usage:
            _spin(0.4)
        got.append(usage.cpu_seconds)

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    assert got and got[0] >= 0.3


@pytest.mark.parametrize("work", [lambda: _spin(5), lambda: _hog(768)])
def test_process_file_reports_e004_and_the_next_file_builds(tmp_path, monkeypatch, examples_dir, work):
    good = examples_dir / "01_wuyi_county_2023.txt"
    real = stages.extract_source

    def costly(source):
        if source.name == "costly.txt":
            work()
        return real(source)

    monkeypatch.setattr(stages, "extract_source", costly)
    (tmp_path / "costly.txt").write_bytes(good.read_bytes())
    small = Budget(0.5, 256 * MiB)
    over = stages.process_file(tmp_path / "costly.txt", budget=small)
    assert len(over.result.errors) == 1 and over.result.errors[0].startswith("[E004]"), over.result.errors
    assert "costly.txt" in over.result.errors[0] and "per-file budget" in over.result.errors[0]
    assert over.facts == ()
    ok = stages.process_file(good, budget=small)
    assert not ok.result.errors and ok.result.reports == 1
    assert ok.result.cpu_seconds > 0 and ok.result.peak_mib is not None


def test_character_cap(tmp_path):
    p = tmp_path / "long.txt"
    p.write_text("某县教育局工作总结\n" + "新建学校3所," * 200, encoding="utf-8")
    with pytest.raises(OverBudgetError, match=r"\[E004\].*long\.txt.*characters"):
        ingest.read_source(p, max_chars=1000)
    assert ingest.read_source(p).text  # no cap by default


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_docx_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_EXPANDED_BYTES", 4 * MiB)
    p = tmp_path / "bomb.docx"
    p.write_bytes(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (5 * MiB)}))
    assert p.stat().st_size < 100_000
    with pytest.raises(OverBudgetError, match=r"\[E004\].*bomb\.docx.*zip bomb"):
        ingest.read_source(p)



def test_a_failed_warm_up_is_the_files_error_and_the_next_file_warms_up(monkeypatch, examples_dir):
    """The models load before a file's budget starts; when that fails (a data file missing), the
    file reports it, and the next file tries again instead of loading cold inside its budget."""
    import kg.pipeline.build as build_module
    from kg.core.errors import DataFileError

    real, calls = build_module.warm_up, []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise DataFileError("cannot read a table", path="x.txt", hint="reinstall")
        real()

    monkeypatch.setattr(build_module, "warm_up", flaky)
    monkeypatch.setattr(stages, "_warm", False)
    good = examples_dir / "01_wuyi_county_2023.txt"
    first = stages.process_file(good)
    assert first.facts == () and "cannot read a table" in first.result.errors[0]
    second = stages.process_file(good, budget=Budget(5, 0))
    assert not second.result.errors and second.result.reports == 1 and len(calls) == 2
