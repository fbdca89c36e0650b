"""
Pointer tags name files inside the export only (issue 18, item 4).

``<vertical url_name="../../x"/>`` made the reader open ``vertical/../../x.xml``, outside the
export, before the name was checked as a block id; whether that file existed showed in the error
("missing" or "not a valid block id"). The tag and the url_name are now checked first (the charset
of opaque-keys block types and ids, which has no ``/``), so no file outside the export is touched
and the message is the same whatever exists there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from olx_builders import write_export

from ve_edu_vault.olx import MalformedOlxError, OlxError, open_course_export
from ve_edu_vault.olx import tree as tree_module

COURSE_FILE = '<course><chapter url_name="c"/></course>'


def _export(tmp_path: Path, pointer: str) -> Path:
    return write_export(
        tmp_path / "export",
        {
            "course/2024.xml": COURSE_FILE,
            "chapter/c.xml": '<chapter display_name="C"><sequential url_name="s"/></chapter>',
            "sequential/s.xml": f'<sequential display_name="S">{pointer}</sequential>',
            "vertical/ok.xml": '<vertical display_name="OK"/>',
        },
    )


def _error(root: Path) -> OlxError:
    with pytest.raises(OlxError) as caught, open_course_export(root) as export:
        export.read_outline()
    return caught.value


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the walker parses or probes (``parse_xml_file`` and ``Path.is_file`` in tree.py)."""
    seen: list[Path] = []
    real_parse = tree_module.parse_xml_file
    real_is_file = Path.is_file

    def parse(path: Path, **kwargs: Any) -> Any:
        seen.append(path)
        return real_parse(path, **kwargs)

    def is_file(self: Path) -> bool:
        seen.append(self)
        return real_is_file(self)

    monkeypatch.setattr(tree_module, "parse_xml_file", parse)
    monkeypatch.setattr(Path, "is_file", is_file)
    return seen


@pytest.mark.parametrize(
    "url_name",
    ["../../outside", "../../../outside", "a/b", "/tmp/outside", "ok/../../../outside"],
)
def test_traversing_url_names_are_refused_before_any_file_access(
    tmp_path: Path, opened: list[Path], url_name: str
) -> None:
    root = _export(tmp_path, f'<vertical url_name="{url_name}"/>')
    # A readable definition where the traversal would land, and none: the answer must not differ.
    (tmp_path / "outside.xml").write_text('<vertical display_name="SECRET"/>')
    with_file = _error(root)
    (tmp_path / "outside.xml").unlink()
    without_file = _error(root)
    assert isinstance(with_file, MalformedOlxError)
    assert str(with_file) == str(without_file)
    assert "is not a valid block id" in str(with_file) and "sequential/s.xml:1" in str(with_file)
    export_root = root.resolve()
    outside = [path for path in opened if not path.resolve().is_relative_to(export_root)]
    assert outside == [], f"files outside the export were touched: {outside}"


def test_namespaced_pointer_tags_are_not_paths(tmp_path: Path, opened: list[Path]) -> None:
    # lxml names a namespaced tag "{uri}local": a URI with slashes must never become a folder.
    root = _export(tmp_path, '<x:vertical xmlns:x="../../.." url_name="ok"/>')
    (root / "{..").mkdir()
    error = _error(root)
    assert isinstance(error, MalformedOlxError) and "not a valid block type" in str(error)
    assert not any("{" in str(path) for path in opened)


def test_a_url_name_too_long_for_a_file_name_is_a_clear_error(tmp_path: Path) -> None:
    root = _export(tmp_path, f'<vertical url_name="{"u" * 5000}"/>')
    error = _error(root)  # was an OSError (file name too long) escaping as a traceback
    assert isinstance(error, MalformedOlxError) and "too long" in str(error)
    assert len(str(error)) < 500


def test_valid_pointers_still_resolve(tmp_path: Path) -> None:
    # Every character opaque-keys allows in a block id (dots too: "..x" is a name in vertical/, not a step up).
    odd = "a.b-c~d:e..f"
    root = _export(tmp_path, f'<vertical url_name="ok"/><vertical url_name="{odd}"/>')
    (root / "vertical" / f"{odd}.xml").write_text('<vertical display_name="Odd"/>')
    with open_course_export(root) as export:
        names = [node.display_name for node in export.read_outline().nodes if node.kind.value == "objective"]
    assert names == ["OK", "Odd"]


def test_a_symlinked_definition_leaving_a_directory_export_is_refused(tmp_path: Path) -> None:
    root = _export(tmp_path, '<vertical url_name="linked"/>')
    (tmp_path / "secret.xml").write_text('<vertical display_name="SECRET"/>')
    (root / "vertical" / "linked.xml").symlink_to(tmp_path / "secret.xml")
    error = _error(root)
    assert isinstance(error, MalformedOlxError) and "links outside the export" in str(error)
    assert "SECRET" not in str(error)
