"""
The hosts' stand-in for edx-platform: enrollments, course roles, published outlines and a gradebook.

TLDR: a Django app of the host projects (never of the plugin). ``backend`` is the platform backend
the hosts name in ``VE_EDU_VAULT_PLATFORM_BACKEND``; its tables live here so that a production LMS
database gets none of them (docs/decisions/0012-platform-adapter-proven.rst).
"""
