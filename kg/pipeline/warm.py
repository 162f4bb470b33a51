"""Imported by the build's forkserver (kg.pipeline.executors) before it forks any worker:
importing this module warms the server, so every worker starts with jieba, the gazetteer, the
taxonomy, the units and the shapes loaded (copy-on-write pages, shared until written)."""

from __future__ import annotations

import sys

from kg.pipeline.build import warm_up

try:
    warm_up()
except Exception as e:  # noqa: BLE001 - a cold server still works: each worker then loads lazily,
    # and a real fault (a broken rule file) is reported per file by the stage that meets it
    print(f"kg: warming the worker server failed ({type(e).__name__}: {e}); workers load lazily",
          file=sys.stderr)
