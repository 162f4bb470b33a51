"""The public names of `import kg` work, also after every submodule has been imported."""

from __future__ import annotations

import kg
import kg.cli  # noqa: F401  (imports the stage modules, as a real session would)
import kg.pipeline  # noqa: F401


def test_public_api(example_build, tmp_path):
    out, _ = example_build
    graph = kg.load_graph(out / "graph.ttl")
    assert kg.validate_graph(graph).conforms
    assert kg.run_query("shared_initiatives", graph).rows
    assert kg.evaluate_files(out / "facts.json", []).reports.gold == 0
    assert kg.Config(outdir=tmp_path).outdir == tmp_path
    assert callable(kg.build) and callable(kg.inspect_file)
    assert sorted(kg.__all__) == sorted(["build", "Config", "load_graph", "run_query", "validate_graph",
                                         "evaluate_files", "inspect_file"])
