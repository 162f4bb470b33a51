"""One base error; each says what went wrong, where, and what to do (codes like spaCy's E###)."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error edu-kg raises on purpose."""

    code = "E000"

    def __init__(self, message: str, *, path: str | None = None, offset: int | None = None,
                 hint: str | None = None):
        self.message = message
        self.path = path
        self.offset = offset
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}"
            if self.offset is not None:
                where += f":{self.offset}"
            where += ": "
        text = f"[{self.code}] {where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(KgError):
    """A file cannot be read as a report (missing, not text, corrupt, unsupported)."""

    code = "E001"


class EncodingError(InputError):
    code = "E002"


class FormatError(InputError):
    code = "E003"


class OverBudgetError(InputError):
    """A file took more time or memory than the per-file budget (``Config.file_seconds``,
    ``Config.file_memory_mb``), or would expand beyond what any report needs (a zip bomb, millions
    of characters): stopped and reported, the batch goes on."""

    code = "E004"


class DataFileError(KgError):
    """A rule/taxonomy/ontology data file shipped with kg is malformed."""

    code = "E010"


class GraphInputError(KgError):
    """A graph or query file given on the command line cannot be parsed."""

    code = "E020"


class QueryError(KgError):
    code = "E021"


class GoldFormatError(KgError):
    code = "E030"


class WorkerError(KgError):
    """A worker process of a parallel build died (killed by the system, most often for memory)."""

    code = "E040"


class ServeError(KgError):
    """The SPARQL endpoint cannot start or answer (port taken, graph unreadable, bad request)."""

    code = "E050"


class InternalError(KgError):
    """A bug met while processing one file: reported for that file, the batch goes on."""

    code = "E999"
