"""
The format registry: built-ins, formats added through the ``ve_edu_vault.question_formats`` entry-point group
(loaded with importlib.metadata's EntryPoint.load, as installed packages are), broken plugins skipped.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from ve_edu_vault.questions.interchange import ENTRY_POINT_GROUP, FormatRegistry, read_file, registry


def plugins(monkeypatch: pytest.MonkeyPatch, *values: tuple[str, str]) -> None:
    points = [EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP) for name, value in values]
    monkeypatch.setattr(registry, "entry_points", lambda group: points if group == ENTRY_POINT_GROUP else [])


def test_builtins():
    formats = FormatRegistry(group=None)
    assert [f.name for f in formats.readers()] == ["moodle-xml", "gift", "aiken", "qti", "canvas-qti12"]
    assert [f.name for f in formats.writers()] == ["moodle-xml", "gift", "aiken", "qti3", "qti21"]


def test_a_plugin_format_is_used_without_changing_the_vault(monkeypatch):
    plugins(monkeypatch, ("csv", "csv_format_plugin:FORMAT"))
    formats = FormatRegistry()
    result = read_file(b"Capital of France?,Paris,Lyon\n", "bank.csv", registry=formats)
    assert result.format == "csv" and result.items[0].content.parts[0].answer_key["correct"] == "choice_0"
    assert formats.plugin_errors == {}


def test_broken_plugins_are_skipped_and_reported(monkeypatch):
    plugins(monkeypatch, ("impostor", "csv_format_plugin:BROKEN"), ("missing", "no_such_module:FORMAT"),
            ("csv", "csv_format_plugin:FORMAT"))  # fmt: skip
    formats = FormatRegistry()
    assert formats.get("csv") is not None
    assert formats.get("moodle-xml").label == "Moodle XML"  # a plugin cannot replace a built-in
    assert set(formats.plugin_errors) == {"impostor", "missing"}
    assert "built-in format 'moodle-xml'" in formats.plugin_errors["impostor"]
