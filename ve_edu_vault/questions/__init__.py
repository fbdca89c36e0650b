"""
Questions: versioned question content, pure graders, the grader registry and capa (OLX) import/export.

TLDR: everything in this package except future ``models.py``/``repositories`` is pure Python with no Django
imports, so graders and the OLX importer can be tested and benchmarked without a database.
"""
