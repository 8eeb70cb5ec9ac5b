"""Every error the pipeline raises: what failed, where, and how to fix it."""

from __future__ import annotations


class PipelineError(Exception):
    """Base class. ``str(err)`` is one line a person can act on."""

    def __init__(self, what: str, *, where: str = "", fix: str = "") -> None:
        self.what, self.where, self.fix = what, where, fix
        parts = [f"{where}: {what}" if where else what]
        if fix:
            parts.append(fix)
        super().__init__(". ".join(p.rstrip(".") for p in parts) + ".")


class InputError(PipelineError):
    """A raw file cannot be read as a document (empty, binary, wrong encoding, too large...)."""


class DataError(PipelineError):
    """Shipped package data (lexicon, patterns, confusion rules) is malformed."""


class ResolutionError(PipelineError):
    """The curator's resolutions file is malformed or names an unknown conflict."""


def input_error(path: str, what: str, fix: str) -> InputError:
    """An error about one raw file."""
    return InputError(what, where=path, fix=fix)


def data_error(resource: str, line: int | None, what: str, fix: str = "") -> DataError:
    """An error about one line of a package data file."""
    where = f"{resource}:{line}" if line is not None else resource
    return DataError(what, where=where, fix=fix or f"Correct {resource} in the pipeline package")
