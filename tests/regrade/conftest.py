"""A regrade runs on both attempt backends: ``storage`` (``tests/storage_backends.py``)."""

from storage_backends import storage

__all__ = ["storage"]
