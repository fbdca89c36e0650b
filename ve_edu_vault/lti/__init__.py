"""
The LTI 1.3 tool: other platforms launch vault assessments, and scores go back to their gradebooks.

TLDR: built on pylti1p3 (``launch.py`` adds the checks it lacks); ``api.py`` is the public door,
``store.py`` the tables' door, ``views.py`` the endpoints. See docs/decisions/0020-lti-tool.rst.
"""
