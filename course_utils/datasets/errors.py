"""The errors of ``course_utils.datasets``: each says what went wrong and the one command that fixes it."""

FIX_COMMAND = "make data"


class DatasetError(Exception):
    """Base class of every error this package raises about data (not about arguments)."""


class DatasetMissingError(DatasetError, FileNotFoundError):
    """A dataset's file is not in the cache: it was never fetched, or the cache was moved."""


class IntegrityError(DatasetError):
    """A file's sha256 differs from the one recorded in the registry: the file is refused."""


class FetchError(DatasetError):
    """Downloading a pinned archive failed (no network, index unreachable, pip missing...)."""
