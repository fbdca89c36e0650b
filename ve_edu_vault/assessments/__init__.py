"""
Assessments: question sets learners take, with attempts, time limits, feedback and hint policies.

Public API: ``ve_edu_vault.assessments.api``. Configuration and views are frozen data in
``data.py``; selection, timing, scoring and feedback release are pure modules.
"""
