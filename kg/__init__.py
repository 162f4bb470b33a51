"""edu-kg: Chinese education-bureau work reports -> validated RDF knowledge graph.

Library first: every CLI verb is a thin wrapper over one of these functions.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Lazy: `import kg` stays cheap (no spaCy/jieba/jionlp until a stage needs them).
# Names differ from the subpackages and modules (kg.pipeline.build, kg.rdf.validate …): once a
# submodule is imported, the package attribute of that name is the module, not a function.
_API = {
    "build": ("pipeline.build", "build"),
    "Config": ("core.config", "Config"),
    "load_graph": ("tools.query", "load_graph"),
    "run_query": ("tools.query", "run_query"),
    "validate_graph": ("rdf.validate", "validate"),
    "evaluate_files": ("tools.evaluate", "evaluate_files"),
    "inspect_file": ("tools.inspect", "inspect_file"),
}
__all__ = list(_API)


def __getattr__(name: str):
    if name in _API:
        module, attr = _API[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
