"""
ve-edu-vault: a question bank, assessments and a mirror of the course outline for Open edX.

The package is one Django app (label ``ve_edu_vault``) split into applets (``course_sync``,
``questions``, ...). Outside code uses ``ve_edu_vault.api`` and each applet's ``api.py`` only.
"""

__version__ = "0.1.0"
