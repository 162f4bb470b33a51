"""Shared fixtures: paths, and one build of the example reports reused by every test that needs it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI judges one commit, so its property tests must not change from run to run: examples derived
# from each test's name (derandomize) and no example database. Locally they stay random and keep
# finding new cases (`make test-deep` runs 20,000 of them).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "reports"
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))


def load_bench_script(name: str):
    """bench/<name>.py as a module (bench/ is scripts, not a package), registered in sys.modules so
    its dataclasses find their module."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def bench_script():
    """A loader of bench/<name>.py (see :func:`load_bench_script`)."""
    return load_bench_script


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"no dev corpus at {SHARED} (set KG_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """`kg build examples/reports` once per session: (outdir, BuildResult)."""
    from kg.core.config import Config
    from kg.pipeline.build import build

    out = tmp_path_factory.mktemp("example-build")
    result = build([EXAMPLES], Config(outdir=out, progress=False))
    return out, result


@pytest.fixture(scope="module")
def taxonomy():
    """tests/fixtures/graph_concepts.ttl as a Taxonomy (what build_graph copies labels from)."""
    from graph_fixtures import concepts

    return concepts()


@pytest.fixture(scope="module")
def graph(taxonomy):
    """The graph of graph_fixtures.sample_facts(); modules with another `graph` fixture override it."""
    from graph_fixtures import sample_facts

    from kg.rdf.graph import build_graph

    return build_graph(sample_facts(), taxonomy=taxonomy)
