"""
Analytics: item analysis, mastery reports, streaming exports and the instructor dashboard.

TLDR: a read model over the other applets' tables. Statistics are computed from sufficient statistics
(sums) that the database aggregates (``store.py``), turned into figures by pure functions
(``statistics.py``) and flagged in plain words (``flags.py``). Callers use ``api.py``.
"""
