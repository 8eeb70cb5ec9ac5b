"""Every error the pipeline raises: what failed, where, and how to fix it."""

from __future__ import annotations

import traceback


class PipelineError(Exception):
    """Base class. ``str(err)`` is one line a person can act on."""

    def __init__(self, what: str, *, where: str = "", fix: str = "") -> None:
        self.what, self.where, self.fix = what, where, fix
        parts = [f"{where}: {what}" if where else what]
        if fix:
            parts.append(fix)
        super().__init__(". ".join(p.rstrip(".") for p in parts) + ".")

    def __reduce__(self) -> tuple:
        # Errors cross process boundaries (worker processes, Dask); rebuild without __init__.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[PipelineError], args: tuple, state: dict) -> PipelineError:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


class InputError(PipelineError):
    """A raw file cannot be read as a document (empty, binary, wrong encoding, too large...)."""


class DataError(PipelineError):
    """Shipped package data (lexicon, patterns, confusion rules) is malformed."""


class ResolutionError(PipelineError):
    """The curator's resolutions file is malformed or names an unknown conflict."""


class OutputError(PipelineError):
    """The outputs cannot be written (another run holds them, or the run would empty the dataset)."""


class PipelineWarning(PipelineError):
    """Something a person should look at that did not stop anything; printed as ``Warning: ...``."""


class StageError(PipelineError):
    """An unexpected exception in one stage for one document: the document is left out.

    ``trace`` keeps the traceback for developers (``--debug``); the message is one line.
    """

    def __init__(self, stage: str, where: str, exc: BaseException) -> None:
        self.stage = stage
        self.trace = "".join(traceback.format_exception(exc))
        super().__init__(
            f"the {stage} stage failed ({describe(exc)}); the document is left out",
            where=where,
            fix="Report it with this file (run with --debug for the traceback)",
        )


def describe(exc: BaseException, limit: int = 120) -> str:
    """An exception as 'Type: first line of its message', cut to ``limit`` characters.

    >>> describe(ValueError("bad\\nmore"))
    'ValueError: bad'
    """
    lines = str(exc).strip().splitlines()
    first = lines[0] if lines else ""
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def input_error(path: str, what: str, fix: str) -> InputError:
    """An error about one raw file."""
    return InputError(what, where=path, fix=fix)


def data_error(resource: str, line: int | None, what: str, fix: str = "") -> DataError:
    """An error about one line of a package data file."""
    where = f"{resource}:{line}" if line is not None else resource
    return DataError(what, where=where, fix=fix or f"Correct {resource} in the pipeline package")
