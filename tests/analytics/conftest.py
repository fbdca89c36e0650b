"""
The analytics tests run their fixed data sets through both attempt backends: ``storage`` (``tests/storage_backends.py``)
selects MongoDB before ``builders.add_attempt`` writes there (through the attempt repository).
"""

from storage_backends import storage

__all__ = ["storage"]
