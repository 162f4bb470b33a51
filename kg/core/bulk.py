"""Making big structures of plain objects without the cyclic garbage collector in the way."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big structure is made (the viewer's network and
    files: half a million records at 10k reports, made in no cycle). Running, it scans the growing
    structure again and again as it is made: half of the viewer stage's time. On leaving, what was
    made moves to the oldest generation unscanned (``gc.freeze`` then ``gc.unfreeze``), where only
    the next full collection looks at it, as it would have. Reference counting frees everything
    as usual meanwhile; only cycles made inside the block wait for a collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()
