"""edu-kg: Chinese education-bureau work reports -> validated RDF knowledge graph.

Library first: every CLI verb is a thin wrapper over one of these functions.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["build", "load_graph", "query", "validate", "evaluate", "inspect_file", "Config"]


def __getattr__(name: str):
    # Lazy: `import kg` stays cheap (no spaCy/jieba/jionlp until a stage needs them).
    if name == "build":
        from .pipeline import build
        return build
    if name == "Config":
        from .config import Config
        return Config
    if name == "load_graph":
        from .query import load_graph
        return load_graph
    if name == "query":
        from .query import run_query
        return run_query
    if name == "validate":
        from .validate import validate
        return validate
    if name == "evaluate":
        from .evaluate import evaluate_files
        return evaluate_files
    if name == "inspect_file":
        from .inspect import inspect_file
        return inspect_file
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
