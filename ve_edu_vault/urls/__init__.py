"""
URL configurations for the LMS (``urls.lms``) and Studio (``urls.cms``).

Every REST endpoint lives under ``api/ve-edu-vault/v1/``; pages under ``ve-edu-vault/``.
"""
