"""Files written whole or not at all: the one atomic writer every output and the cache use."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w") -> Iterator:
    """Write ``path`` through a temporary file in the same folder, moved into place on success
    (readers never see half a file). Text modes are UTF-8 with \n line ends. The file gets the
    permissions a plain open() would give (mkstemp's 0600 would hide outputs from a web server)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        text = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **text) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it: set it straight back
    os.umask(mask)
    return mask
