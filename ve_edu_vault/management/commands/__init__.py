"""
Operator commands: ``vault_sync_course`` and ``vault_undo_sync``.

TLDR: commands call only ``course_sync.api`` and print ``course_sync.reporting``'s JSON with
``--json``; every ``VaultError`` becomes a ``CommandError`` (message on stderr, exit code 1).
"""
