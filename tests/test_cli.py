"""The command line: each verb through typer's runner, with its exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory, examples_dir):
    out = tmp_path_factory.mktemp("cli-build")
    res = runner.invoke(app, ["build", str(examples_dir), "-o", str(out), "--format", "nt"])
    assert res.exit_code == 0, res.output
    return out, res.output


def test_build_prints_summary_and_writes_outputs(built):
    out, output = built
    assert "reports" in output and "viewer.html" in output
    for name in ("graph.ttl", "graph.nt", "facts.json", "viewer.html", "build-report.json"):
        assert (out / name).is_file(), name


def test_build_strict_exits_1_on_a_failed_file(tmp_path, examples_dir):
    bad = tmp_path / "in" / "garbage.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4 truncated")
    res = runner.invoke(app, ["build", str(bad.parent), "-o", str(tmp_path / "o"), "--strict", "--no-viewer"])
    assert res.exit_code == 1
    res = runner.invoke(app, ["build", str(bad.parent), "-o", str(tmp_path / "o2"), "--no-viewer"])
    assert res.exit_code == 0
    assert "garbage.pdf" in res.output


def test_build_budget_flags_reach_the_build(tmp_path, examples_dir):
    """--file-max-chars (and its sibling budget flags) set the per-file budget: a file over it is
    reported with E004, the others are built."""
    src = tmp_path / "in"
    src.mkdir()
    for name in ("01_wuyi_county_2023.txt", "04_redacted_district.txt"):  # 1,845 and 1,587 characters
        (src / name).write_bytes((examples_dir / name).read_bytes())
    res = runner.invoke(app, ["build", str(src), "-o", str(tmp_path / "o"), "--no-viewer", "--no-cache", "-j", "1",
                              "--file-max-chars", "1700", "--file-seconds", "60", "--file-memory-mb", "2048"])
    assert res.exit_code == 0, res.output
    files = json.loads((tmp_path / "o" / "build-report.json").read_text(encoding="utf-8"))["files"]
    errors = {f["path"].rsplit("/", 1)[-1]: f["errors"] for f in files}
    assert errors["04_redacted_district.txt"] == []
    (over,) = errors["01_wuyi_county_2023.txt"]
    assert over.startswith("[E004]") and "1,845 characters" in over and "1,700" in over


def test_validate_exit_codes(built, tmp_path):
    out, _ = built
    assert runner.invoke(app, ["validate", str(out / "graph.ttl")]).exit_code == 0
    broken = tmp_path / "broken.ttl"
    text = (out / "graph.ttl").read_text(encoding="utf-8")
    # a comparator outside the enumeration breaks a shape
    assert 'edu:comparator "="' in text
    broken.write_text(text.replace('edu:comparator "="', 'edu:comparator "about"', 1), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(broken)])
    assert res.exit_code == 1
    assert "comparator" in res.output
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("this is not turtle <<<", encoding="utf-8")
    assert runner.invoke(app, ["validate", str(garbage)]).exit_code == 2
    assert runner.invoke(app, ["validate", str(tmp_path / "missing.ttl")]).exit_code == 2


def test_an_unknown_shacl_engine_is_a_clean_usage_error(built, monkeypatch):
    out, _ = built
    monkeypatch.setenv("KG_SHACL_ENGINE", "bogus")
    res = runner.invoke(app, ["validate", str(out / "graph.ttl")])
    assert res.exit_code == 2 and "unknown SHACL engine 'bogus'" in res.output
    assert "[E000]" in res.output and "Traceback" not in res.output


def test_query_named_and_file(built, tmp_path):
    out, _ = built
    res = runner.invoke(app, ["query", "shared_initiatives", "--graph", str(out / "graph.ttl"), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows, "the examples share initiatives"
    q = tmp_path / "count.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", encoding="utf-8")
    res = runner.invoke(app, ["query", str(q), "--graph", str(out / "graph.ttl"), "--format", "csv"])
    assert res.exit_code == 0 and res.output.splitlines()[0].strip() == "n"
    upd = tmp_path / "drop.rq"
    upd.write_text("DELETE WHERE { ?s ?p ?o }", encoding="utf-8")
    assert runner.invoke(app, ["query", str(upd), "--graph", str(out / "graph.ttl")]).exit_code == 2
    assert runner.invoke(app, ["query", "no_such_query", "--graph", str(out / "graph.ttl")]).exit_code == 2


def test_query_pages_with_limit_and_offset(built):
    """-p offset=N -p limit=N give the slice of the full listing (-p limit=0); a bad offset exits 2."""
    out, _ = built
    graph = str(out / "graph.ttl")

    def rows(*params: str) -> list[dict]:
        res = runner.invoke(app, ["query", "evidence", "--graph", graph, "--format", "json",
                                  *[a for p in params for a in ("-p", p)]])
        assert res.exit_code == 0, res.output
        return json.loads(res.output)

    every = rows("limit=0")
    assert len(every) > 3
    assert rows("offset=1", "limit=2") == every[1:3]
    assert rows() == every[:1000]
    res = runner.invoke(app, ["query", "evidence", "--graph", graph, "-p", "offset=-1"])
    assert res.exit_code == 2 and "offset must not be negative" in res.output


def test_queries_lists_names():
    res = runner.invoke(app, ["queries"])
    assert res.exit_code == 0 and "shared_initiatives" in res.output


def test_eval_prints_scores(built, tmp_path):
    out, _ = built
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))
    first = facts["reports"][0]
    gold = {"source": first["source"], "reports": [{
        "key": "g-1", "source": first["source"], "anchor": first["head"][:15],
        "bureau": first["bureau"], "bureau_anonymized": first["bureau_anonymized"],
        "region": first["region"], "level": first["level"], "summary_year": first["summary_year"],
        "plan_year": first["plan_year"], "initiatives": first["initiatives"][:2]}]}
    gf = tmp_path / "g.json"
    gf.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    res = runner.invoke(app, ["eval", str(out / "facts.json"), str(gf)])
    assert res.exit_code == 0, res.output
    assert "bureau" in res.output and "1.000" in res.output
    res = runner.invoke(app, ["eval", str(out / "facts.json"), str(gf), "--json"])
    assert json.loads(res.output)["reports"]["recall"] == 1.0
    assert runner.invoke(app, ["eval", str(tmp_path / "nope.json"), str(gf)]).exit_code == 2


def test_inspect_shows_reports(examples_dir):
    path = next(p for p in sorted(examples_dir.iterdir()) if "compilation" in p.name)
    res = runner.invoke(app, ["inspect", str(path)])
    assert res.exit_code == 0, res.output
    assert "篇一" in res.output or "report 2" in res.output.lower() or "2 reports" in res.output


def test_inspect_indicators_lists_each_metrics_step(examples_dir):
    path = sorted(examples_dir.iterdir())[0]
    plain = runner.invoke(app, ["inspect", str(path)])
    res = runner.invoke(app, ["inspect", str(path), "--indicators"])
    assert res.exit_code == 0, res.output
    assert "Indicators (" not in plain.output and "Indicators (" in res.output
    assert "[label]" in res.output


def test_view_opens_the_viewer(built, monkeypatch):
    out, _ = built
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    res = runner.invoke(app, ["view", str(out)])
    assert res.exit_code == 0 and opened and opened[0].endswith("viewer.html")


def test_view_without_viewer_is_bad_input(tmp_path):
    assert runner.invoke(app, ["view", str(tmp_path)]).exit_code == 2
