"""
The audit log of staff actions: who regraded, set an accommodation, undid a sync, changed a grade, bound a block or
retired a learner, when, on what.

TLDR: each applet calls ``audit.api.record`` inside the transaction of the action it audits, so the entry commits
with the action or not at all. Staff read their course's entries at ``GET courses/<course_key>/audit/`` (Studio)
and everything in the Django admin (read-only). Entries are never changed or deleted by the vault.
docs/decisions/0022-faults-audit-and-data-safety.rst.
"""
