"""
Hostile files: no external entities, no entity expansion, bounded sizes, zip members that cannot escape,
zip bombs, links. The rules are the OLX import's (ve_edu_vault/olx/xmlparse.py, olx/archive.py) plus the
zip ones; every refusal names the file (and the line for XML).
"""

# ruff: noqa: E501, RUF043 - real typography in fixtures; long expected values; regex messages

from __future__ import annotations

import io
import stat
import zipfile

import pytest
from interchange_files import data, zip_folder, zip_members

from ve_edu_vault.questions.interchange import FormatError, ReadLimits, read_file

MANIFEST = data("qti3_package/imsmanifest.xml")


def test_external_entity_is_refused_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = f'<?xml version="1.0"?>\n<!DOCTYPE quiz [\n<!ENTITY xxe SYSTEM "file://{secret}">\n]>\n<quiz>&xxe;</quiz>'
    with pytest.raises(FormatError, match=r"bank.xml:3: the document declares XML entities") as caught:
        read_file(xml.encode(), "bank.xml", format="moodle-xml")
    assert "TOP SECRET" not in str(caught.value)


def test_billion_laughs_is_refused_before_parsing():
    lol = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}{"&lol" + str(i - 1) + ";" if i > 1 else "&lol;"}">'
            for i in range(1, 30)
        )
        + "]><quiz>&lol29;</quiz>"
    )
    with pytest.raises(FormatError, match="declares XML entities"):
        read_file(lol.encode(), "lol.xml", format="moodle-xml")


def test_entities_inside_a_package_item_are_refused_too():
    item = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><qti-assessment-item/>'
    package = zip_members({"imsmanifest.xml": MANIFEST, "items/choice.xml": item})
    with pytest.raises(FormatError, match=r"bank.zip/items/choice.xml:1: the document declares XML entities"):
        read_file(package, "bank.zip", format="qti")


def test_malformed_xml_names_file_and_line():
    with pytest.raises(FormatError, match=r"bank.xml:3: not well-formed XML"):
        read_file(b"<quiz>\n<question>\n</quiz>", "bank.xml", format="moodle-xml")


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "C:/Windows/win.ini", "items/../../x.xml"])
def test_members_that_would_escape_are_refused(name):
    package = zip_members({"imsmanifest.xml": MANIFEST, name: b"<x/>"})
    with pytest.raises(FormatError, match="absolute path|points outside the package"):
        read_file(package, "bank.zip", format="qti")


def test_manifest_href_that_leaves_the_package_is_refused():
    manifest = MANIFEST.replace(b'href="items/choice.xml">', b'href="../../../etc/passwd">', 1)
    package = zip_members({"imsmanifest.xml": manifest})
    with pytest.raises(FormatError, match="points outside the package"):
        read_file(package, "bank.zip", format="qti")


def test_symlink_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        link = zipfile.ZipInfo("items/choice.xml")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(FormatError, match="is a link; links are refused"):
        read_file(buffer.getvalue(), "bank.zip", format="qti")


def test_zip_bomb_is_refused_by_its_ratio():
    package = zip_members({"imsmanifest.xml": MANIFEST, "items/choice.xml": b"<" + b" " * 5_000_000 + b"x/>"})
    with pytest.raises(FormatError, match="compressed beyond belief"):
        read_file(package, "bank.zip", format="qti")


def test_bounds_on_members_sizes_and_files():
    package = zip_folder("qti3_package")
    with pytest.raises(FormatError, match="more than 3 members"):
        read_file(package, "bank.zip", format="qti", limits=ReadLimits(max_members=3))
    with pytest.raises(FormatError, match="larger than 100 bytes"):
        read_file(package, "bank.zip", format="qti", limits=ReadLimits(max_member_bytes=100))
    with pytest.raises(FormatError, match="unpacks to more than 2000 bytes"):
        read_file(package, "bank.zip", format="qti", limits=ReadLimits(max_total_bytes=2000))
    with pytest.raises(FormatError, match="larger than 10 bytes"):
        read_file(data("aiken.txt"), "aiken.txt", format="aiken", limits=ReadLimits(max_file_bytes=10))
    with pytest.raises(FormatError, match="more than 2 questions"):
        read_file(data("moodle_export.xml"), "m.xml", format="moodle-xml", limits=ReadLimits(max_items=2))


def test_a_member_that_lies_about_its_size_is_cut_at_the_bound():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("items/choice.xml", b"<x>" + b"a" * 5000 + b"</x>")
    raw = bytearray(buffer.getvalue())
    # Shrink the declared size of items/choice.xml in the central directory to 10 bytes.
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")
    with pytest.raises(FormatError):
        read_file(bytes(raw), "bank.zip", format="qti", limits=ReadLimits(max_member_bytes=1000))


def test_not_a_zip():
    with pytest.raises(FormatError, match="not a readable zip package"):
        read_file(b"PK\x03\x04garbage", "bank.zip", format="qti")


def test_a_malformed_item_is_refused_alone_naming_its_file_and_line():
    broken = b'<?xml version="1.0"?>\n<qti-assessment-item identifier="choice">\n<oops></qti-assessment-item>'
    source = zipfile.ZipFile(io.BytesIO(zip_folder("qti3_package")))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["items/choice.xml"] = broken
    result = read_file(zip_members(members), "bank.zip", format="qti")
    refused = {item.file: item for item in result.items if item.refused}
    item = refused["bank.zip/items/choice.xml"]
    assert item.line == 3 and item.reason.startswith("not well-formed XML")
    assert sum(1 for item in result.items if not item.refused) == 5  # the other five importable items still read
