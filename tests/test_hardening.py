"""Bad input never stops a build: each bad file gets a clear per-file entry, the rest is processed,
exit codes follow --strict, and an interrupted build keeps the previous outputs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures.makers import write_docx
from typer.testing import CliRunner

from kg.cli import app

GOOD = ("某某县教育局2022年工作总结\n一、2022年工作总结\n全县新建幼儿园3所,新增学位540个。"
        "推进“双减”工作,课后服务覆盖率达到100%。\n二、2023年工作计划\n计划新建学校2所。\n")


def make_bad_corpus(d: Path) -> dict[str, str]:
    """Every kind of bad input, generated; returns file name -> what the build must say."""
    u = GOOD.encode("utf-8")
    files = {
        "empty.txt": (b"", "error"),
        "binary.txt": (bytes(range(256)) * 20, "error"),
        "truncated.txt": (u + "教".encode()[:2], "warning"),
        "gbk no declaration.txt": (GOOD.encode("gbk"), "ok"),
        "big5.txt": (GOOD.replace("县", "縣").replace("计划", "計劃").replace("总结", "總結").encode("big5", "replace"), "ok"),
        "mixed.txt": (u + GOOD.encode("gbk"), "warning"),
        "only-noise.txt": ("展开阅读全文\n点击查看更多\n版权所有 京ICP备12345678号\n".encode(), "warning"),
        "no numbers.txt": ("某县教育局工作总结\n一、工作总结\n全面推进素质教育,落实立德树人根本任务。"
                           "深化课堂教学改革,加强教师队伍建设,办好人民满意的教育。\n".encode(), "ok"),
        "corrupt.docx": (b"PK\x03\x04" + os.urandom(400), "error"),
        "corrupt.pdf": (b"%PDF-1.4\n" + os.urandom(400), "error"),
        "scripts.html": (("<html><head><script>alert(1)</script></head><body><h1>某县教育局2022年工作总结</h1>"
                          "<p>一、2022年工作总结</p><p>新建幼儿园3所。<img src=x onerror=alert(2)></p>"
                          "<script>content_2();</script></body></html>").encode(), "ok"),
        "报告 with spaces 名字.txt": (u, "ok"),
        "one-line.txt": (("某县教育局工作总结\n" + "新建学校3所," * 110_000).encode(), "ok"),
        "huge.txt": (b"", "error"),  # written sparse below: 50 MB
        "unreadable.txt": (u, "error"),
    }
    for name, (data, _) in files.items():
        (d / name).write_bytes(data)
    write_docx(d / "report.docx", GOOD.splitlines())
    files["report.docx"] = (b"", "ok")
    with open(d / "huge.txt", "r+b") as f:  # 50 MB of text without writing 50 MB: a sparse file
        f.truncate(50 * 2**20)
    (d / "loop").mkdir()
    (d / "loop" / "again").symlink_to(d, target_is_directory=True)
    return {name: want for name, (_, want) in files.items()}


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad-input")
    expected = make_bad_corpus(d)
    out = d.parent / (d.name + "-out")
    unreadable = d / "unreadable.txt"
    real_read = Path.read_bytes

    def read_bytes(self):  # root can read anything: simulate a permission error for this file
        if self == unreadable:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    mp = pytest.MonkeyPatch()
    mp.setattr(Path, "read_bytes", read_bytes)
    os.chmod(unreadable, 0)
    try:
        res = CliRunner().invoke(app, ["build", str(d), "-o", str(out), "-j", "1", "--no-viewer", "--no-cache"])
    finally:
        mp.undo()
        os.chmod(unreadable, 0o644)
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    return res, report, expected, d


def test_build_finishes_with_exit_0_and_no_traceback(bad_build):
    res, report, expected, _ = bad_build
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_every_file_has_its_entry(bad_build):
    _, report, expected, d = bad_build
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert set(expected) <= set(by_name), set(expected) - set(by_name)
    for name, want in expected.items():
        entry = by_name[name]
        if want == "error":
            assert entry["errors"], name
            assert name in entry["errors"][0] and "[E" in entry["errors"][0], entry["errors"]
            assert "Traceback" not in entry["errors"][0] and "E999" not in entry["errors"][0]
        else:
            assert not entry["errors"], (name, entry["errors"])
        if want == "warning":
            assert entry["warnings"], name
    # the symlink loop is walked once: no file is listed twice under the loop
    assert sum("loop" in f["path"] for f in report["files"]) == 0


@pytest.mark.parametrize("name, reports", [("gbk no declaration.txt", 1), ("big5.txt", 1), ("mixed.txt", 1),
                                           ("truncated.txt", 1), ("report.docx", 1), ("one-line.txt", 1),
                                           ("报告 with spaces 名字.txt", 1), ("no numbers.txt", 1)])
def test_readable_files_give_reports(bad_build, name, reports):
    _, report, _, _ = bad_build
    entry = next(f for f in report["files"] if Path(f["path"]).name == name)
    assert entry["reports"] == reports


def test_errors_are_shown_on_the_terminal(bad_build):
    res, *_ = bad_build
    for name in ("empty.txt", "corrupt.docx", "huge.txt", "unreadable.txt"):
        assert name in res.output


def test_html_scripts_never_reach_the_graph(bad_build, tmp_path):
    _, report, _, d = bad_build
    out = Path(str(d) + "-out")
    ttl = (out / "graph.ttl").read_text(encoding="utf-8")
    assert "alert(" not in ttl and "content_2" not in ttl


def test_strict_exits_1(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    res = CliRunner().invoke(app, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--strict",
                                   "--no-viewer", "--no-cache"])
    assert res.exit_code == 1
    assert (tmp_path / "o" / "graph.ttl").is_file()  # the good file was still built


@pytest.mark.slow
def test_interrupted_build_keeps_previous_outputs_and_a_consistent_cache(tmp_path, examples_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    examples = sorted(examples_dir.glob("*.txt"))
    files = 40 * len(examples)
    for i in range(40):  # enough work to be interrupted midway
        for p in examples:
            (corpus / f"{i:02d}-{p.name}").write_text(p.read_text(encoding="utf-8") + f"\n附{i}。\n",
                                                       encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    previous = {"graph.ttl": b"previous graph", "facts.json": b"{\"reports\": []}"}
    for name, data in previous.items():
        (out / name).write_bytes(data)
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-j", "1", "--no-viewer"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cache = out / ".cache"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(cache.rglob("*.pickle"))) < 5:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err
    for name, data in previous.items():
        assert (out / name).read_bytes() == data, name
    assert not list(out.glob(".partial-*"))
    assert not list(cache.rglob("*.tmp"))  # kg.core.atomic.atomic_open's temporary files
    entries = list(cache.rglob("*.pickle"))
    assert 5 <= len(entries) < files
    # the cache is consistent: the next build reuses every finished entry and completes
    done = subprocess.run(cmd, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()
    rep = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert rep["cache"]["hits"] >= len(entries)
    assert rep["totals"]["files"] == files and rep["totals"]["failed_files"] == 0
