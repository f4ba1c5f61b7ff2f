"""Errors a use case raises; the API maps them to status codes, the UI and CLI to messages."""


class NotFound(LookupError):
    """No such record, or the caller may not know it exists."""


class Forbidden(PermissionError):
    """The caller may see the record but not do this."""


class Conflict(RuntimeError):
    """The record is in a state that does not allow this (yet)."""


class Invalid(ValueError):
    """The input breaks a rule; the message says which field and why."""


class StorageFailed(RuntimeError):
    """The data folder could not take the write (disk full, file too large, folder gone); nothing was recorded."""
