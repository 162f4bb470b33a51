"""The house's layers: each folder of kg/ may import only its own and earlier layers.

The order is the pipeline's (README, "Map of the house"); a module-level or function-level import
of a later layer fails here, naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kg

KG = Path(kg.__file__).resolve().parent
LAYERS = ["core", "terms", "text", "extract", "rdf", "outputs", "pipeline", "tools"]
TOP = len(LAYERS)  # kg/__init__.py, kg/__main__.py, kg/cli.py: the thin front door
MODULES = sorted(KG.rglob("*.py"))


def layer_of(module: str) -> int:
    """Layer index of a dotted kg module name."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else TOP


def module_name(path: Path) -> str:
    rel = path.relative_to(KG.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def kg_imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every kg import in the file, relative ones resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "kg"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] == "kg":
                # `from kg.x import y` may import the module kg.x.y: count the deeper one
                out += [(node.lineno, f"{mod}.{a.name}" if mod.count(".") < 1 else mod)
                        for a in node.names]
    return out


def test_every_module_lives_in_a_layer():
    stray = [m.relative_to(KG).as_posix() for m in MODULES
             if len(m.relative_to(KG).parts) > 1 and m.relative_to(KG).parts[0] not in LAYERS]
    assert stray == []
    top = sorted(m.name for m in MODULES if len(m.relative_to(KG).parts) == 1)
    assert top == ["__init__.py", "__main__.py", "cli.py"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(KG).as_posix())
def test_no_import_from_a_later_layer(path):
    own = layer_of(module_name(path))
    later = [f"line {line}: {mod}" for line, mod in kg_imports(path) if layer_of(mod) > own]
    assert later == [], f"{path.relative_to(KG)} ({LAYERS[own] if own < TOP else 'top'}) imports a later layer"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, module-level or inside a function."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.lineno, node.module or ""))
    return out


NLP_STACK = {"spacy", "jieba"}


@pytest.mark.parametrize("layer", ["core", "terms", "text", "rdf", "outputs"])
def test_graph_and_text_layers_never_import_the_nlp_stack(layer):
    """spaCy and jieba belong to extraction: graph building and reading text never load them."""
    bad = [f"{path.name}:{line} {mod}" for path in (KG / layer).rglob("*.py")
           for line, mod in imported_modules(path)
           if mod.split(".")[0] in NLP_STACK or mod.startswith("kg.extract")]
    assert bad == []


@pytest.mark.parametrize("path", [m for m in MODULES if m.relative_to(KG).parts[0] != "extract"],
                         ids=lambda p: p.relative_to(KG).as_posix())
def test_only_extraction_imports_spacy_or_jieba(path):
    """Outside kg/extract/ spaCy and jieba are reached through kg.extract (kg.extract.nlp), so
    one module decides how they are set up (jieba's log level, the words it was taught)."""
    bad = [f"line {line}: {mod}" for line, mod in imported_modules(path) if mod.split(".")[0] in NLP_STACK]
    assert bad == []
