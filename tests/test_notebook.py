"""notebooks/explore.ipynb: committed without outputs, and runs top to bottom (in a kernel of this
venv, from a temporary working folder) on the example reports and, when present, the dev corpus."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each runs a whole notebook in a kernel

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the dev extra")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the dev extra")
pytest.importorskip("ipykernel", reason="ipykernel is in the dev extra")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
CELL_TIMEOUT = 600  # seconds per cell: the build cell does the whole pipeline
SUMMARY_MARK = "KG_NOTEBOOK_SUMMARY "


def code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def streams(nb, name: str | None = None) -> str:
    return "".join(o.get("text", "") for c in code_cells(nb) for o in c.outputs
                   if o.output_type == "stream" and (name is None or o.name == name))


def outputs_with(nb, mime: str) -> list[str]:
    return [o["data"][mime] for c in code_cells(nb) for o in c.outputs
            if o.output_type in ("display_data", "execute_result") and mime in o.get("data", {})]


def summary_of(nb) -> dict:
    lines = [ln for ln in streams(nb, "stdout").splitlines() if ln.startswith(SUMMARY_MARK)]
    assert len(lines) == 1, "the last cell should print one KG_NOTEBOOK_SUMMARY line"
    return json.loads(lines[0][len(SUMMARY_MARK):])


def execute(workdir: Path, monkeypatch, outdir: Path, corpus: str | None = None):
    """Run the committed notebook in a fresh python3 kernel; returns the executed notebook.

    jupyter_client starts a kernelspec whose argv is ``python`` with ``sys.executable``, so the
    kernel is this venv's interpreter (the notebook reports ``sys.prefix``, checked below).
    """
    monkeypatch.setenv("KG_NOTEBOOK_OUTDIR", str(outdir))
    if corpus is None:
        monkeypatch.delenv("KG_NOTEBOOK_CORPUS", raising=False)
    else:
        monkeypatch.setenv("KG_NOTEBOOK_CORPUS", corpus)
    monkeypatch.delenv("KG_NOTEBOOK_REBUILD", raising=False)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend draws the charts
    workdir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        pytest.fail(f"a notebook cell failed:\n{e}")
    return nb


def check_common(nb, summary: dict, outdir: Path) -> None:
    errors = [o for c in code_cells(nb) for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert Path(summary["python"]).resolve() == Path(sys.prefix).resolve(), "kernel is not this venv"
    assert Path(summary["outdir"]) == outdir.resolve()
    assert Path(summary["viewer"]).is_file() and Path(summary["viewer"]).parent == outdir.resolve()
    assert (outdir / "graph.ttl").is_file()
    assert any("srcdoc=" in h for h in outputs_with(nb, "text/html")), "viewer not shown inline"
    assert summary["triples"] > 0 and summary["reports"] > 0
    if summary["font"]:
        assert "missing from font" not in streams(nb), "a Chinese label was drawn without glyphs"
    else:
        assert "no CJK font found" in streams(nb, "stdout")


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
             and (c.outputs or c.execution_count is not None or "execution" in c.metadata)]
    assert not dirty, (f"cells {dirty} of {NOTEBOOK.name} have outputs or execution counts: "
                       "clear them before committing (see notebooks/README.md)")
    assert nb.metadata.kernelspec.name == "python3"
    assert len(code_cells(nb)) >= 10


def test_notebook_runs_on_examples(tmp_path, monkeypatch):
    outdir = tmp_path / "out"
    before = set((ROOT / "output").rglob("*")) if (ROOT / "output").exists() else set()
    nb = execute(tmp_path / "work", monkeypatch, outdir)
    summary = summary_of(nb)
    check_common(nb, summary, outdir)

    assert Path(summary["corpus"]) == (ROOT / "examples" / "reports").resolve()
    assert summary["shared_initiatives"] > 0 and summary["top_shared"]
    assert summary["theme_cells"] > 0
    assert summary["metrics_by_status"].get("planned", 0) > 0
    assert summary["metrics_by_status"].get("achieved", 0) > 0
    assert summary["regions"] >= 2 and summary["region_links"] >= 1
    # the worked question: pre-school targets, each with its evidence sentence and source file
    assert summary["theme"] == "学前教育"
    assert summary["theme_targets"] > 0 and summary["theme_target_bureaus"]
    assert summary["theme_evidence"] == summary["theme_targets"]
    assert "source:" in streams(nb, "stdout")
    # one indicator across regions, and the checked targets with their verdict counts
    assert summary["indicator_compared"] and summary["indicator_regions"] >= 2
    assert summary["indicator_metrics"] >= summary["indicator_regions"]
    assert summary["target_checks"] >= 1 and sum(summary["verdicts"].values()) == summary["target_checks"]
    assert set(summary["verdicts"]) <= {"met", "exceeded", "missed", "no-outcome", "not-comparable"}
    # bars, heatmap, timeline, indicator across regions, region network
    assert len(outputs_with(nb, "image/png")) == 5
    # nothing written into the repository
    after = set((ROOT / "output").rglob("*")) if (ROOT / "output").exists() else set()
    assert after == before

    # a second run finds the graph up to date and loads it instead of building
    again = execute(tmp_path / "work2", monkeypatch, outdir)
    assert "up to date, loading" in streams(again, "stdout")
    assert summary_of(again)["triples"] == summary["triples"]


def test_notebook_runs_on_dev_corpus(shared_dir, tmp_path, monkeypatch):
    """KG_NOTEBOOK_CORPUS relative to the repository (e.g. ../shared/corpus) also resolves from a
    working folder elsewhere."""
    corpus = shared_dir / "corpus"
    rel = os.path.relpath(corpus, ROOT)
    outdir = tmp_path / "out"
    nb = execute(tmp_path / "work", monkeypatch, outdir, corpus=rel)
    summary = summary_of(nb)
    check_common(nb, summary, outdir)
    assert Path(summary["corpus"]) == corpus.resolve()
    assert summary["reports"] >= len(list(corpus.glob("*.txt")))
    assert summary["shared_initiatives"] > 0
    assert summary["regions"] >= 2


def test_notebook_handles_a_corpus_without_findings(tmp_path, monkeypatch):
    """One invented report with no initiative and no figure: every section prints a note instead of
    failing (no shared initiatives, no themes, no timeline, no indicator to compare, no checked
    target, no region links, no targets)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plain.txt").write_text(
        "青山县教育局2023年工作总结\n一、主要工作\n全年组织教研活动,教师满意度明显提升。\n",
        encoding="utf-8")
    outdir = tmp_path / "out"
    nb = execute(tmp_path / "work", monkeypatch, outdir, corpus=str(corpus))
    summary = summary_of(nb)
    check_common(nb, summary, outdir)
    assert summary["shared_initiatives"] == 0 and summary["theme_targets"] == 0
    assert summary["region_links"] == 0
    assert summary["indicator_compared"] is None and summary["target_checks"] == 0
    assert summary["verdicts"] == {}
    out = streams(nb, "stdout")
    for note in ("no shared initiative", "no bureau implements a shared initiative",
                 "no two regions share an initiative", "no bureau sets a target",
                 "no metric maps to a shared indicator", "no target was checked"):
        assert note in out
    assert not outputs_with(nb, "image/png")
