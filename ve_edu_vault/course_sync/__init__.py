"""
Course sync: the vault's mirror of each course outline (topic > subtopic > objective).

Public API: ``ve_edu_vault.course_sync.api``. See ``docs/decisions/0002-course-sync.rst``.
"""
