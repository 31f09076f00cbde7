"""The exception tree. Every error names the input or thing it is about."""

from __future__ import annotations


class ClaimtrackError(Exception):
    """Base of every error claimtrack raises on purpose."""


class InputError(ClaimtrackError):
    """An input that cannot be read; ``source`` names it (path, URL or ``stdin:12``)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class DecodeError(InputError):
    """Bytes that are not text in any encoding we accept."""


class EmptyInputError(InputError):
    """An input with no text in it."""


class InputTooLargeError(InputError):
    """An input over the configured maximum size."""


class MalformedInputError(InputError):
    """Structured input (JSON, JSON Lines, sidecar metadata) that does not parse."""


class ModelError(ClaimtrackError):
    """A spaCy pipeline that is not installed or lacks a required component."""


class LedgerError(ClaimtrackError):
    """A ledger that cannot be opened, read or written."""


class SchemaVersionError(LedgerError):
    """A ledger written by a newer claimtrack than this one."""
