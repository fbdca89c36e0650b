"""
QTI packages and single items: import (2.1, 3.0, and Canvas's QTI 1.2 through ``canvas_qti``) and export
(QTI 3.0 and 2.1 content packages).

A package is an IMS content package: a zip with ``imsmanifest.xml`` whose resources name the items
(``imsqti_item_xmlv3p0`` / ``imsqti_item_xmlv2p1``) and tests (``imsqti_test_xmlv3p0`` / ``..._xmlv2p1``),
as 1EdTech's QTI 3.0 examples lay them out. The reader imports every item resource the manifest lists (an
item that a test references is one of them); it resolves each ``href`` inside the package (see
``safety.resolve_href``). A package whose manifest lists no QTI item but holds ``assessment_meta.xml`` or a
``questestinterop`` document is a Canvas export, read by ``canvas_qti``.

The writer makes a package with one item file per question under ``items/``, an ``assessmentTest`` with one
section referencing them all (``tests/test.xml``), and the manifest. Identity: ``qti:<item identifier>``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from lxml import etree

from .build import Refused, item, refused_item
from .data import ExportQuestion, ExportResult, FormatError, QuestionFormat, ReadLimits, ReadResult, SourceItem
from .qti_names import SCHEMA21, SCHEMA30, XSI, normalise, spell
from .qti_read import read_item
from .qti_write import write_item
from .safety import SafePackage, is_zip, parse_xml, resolve_href
from .text import ncname

__all__ = ["FORMAT_QTI", "FORMAT_QTI3", "FORMAT_QTI21", "read_package", "write_package"]

FAMILY = "qti"
CP_NS = {"3.0": "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1", "2.1": "http://www.imsglobal.org/xsd/imscp_v1p1"}
CP_SCHEMA = {
    "3.0": "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd",
    "2.1": "http://www.imsglobal.org/xsd/imscp_v1p1.xsd",
}
ITEM_TYPES = {"imsqti_item_xmlv3p0": "3.0", "imsqti_item_xmlv2p1": "2.1", "imsqti_item_xmlv2p2": "2.1"}
TEST_TYPES = {"3.0": "imsqti_test_xmlv3p0", "2.1": "imsqti_test_xmlv2p1"}


def source_id(identifier: str) -> str:
    return f"{FAMILY}:{identifier}"


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _item(root: etree._Element, file: str) -> SourceItem:
    line = root.sourceline
    normalised, version = normalise(root)
    identifier = normalised.get("identifier", "")
    label = normalised.get("title") or identifier or file
    kind = f"QTI {version} item"
    if not identifier:
        return refused_item(
            source_id=source_id(file), label=label, file=file, line=line, kind=kind, reason="the item has no identifier"
        )
    try:
        parsed = read_item(normalised)
    except Refused as error:
        return refused_item(
            source_id=source_id(identifier),
            label=label,
            file=file,
            line=line,
            kind=kind,
            reason=error.reason,
            identifier=identifier,
        )
    assert parsed.content is not None
    content = parsed.content
    return item(
        source_id=source_id(identifier),
        label=label,
        file=file,
        line=line,
        kind=f"{kind} ({', '.join(parsed.kinds)})",
        parts=content.parts,
        title=content.title,
        prompt=content.prompt,
        explanation=content.explanation,
        points=content.points,
        warnings=parsed.warnings,
        identifier=identifier,
    )


def _member_item(package: SafePackage, href: str, name: str) -> SourceItem:
    """One item file of a package; a file that is not well-formed is that item's refusal, not the package's."""
    file = f"{name}/{href}"
    try:
        root = package.xml(href)
    except FormatError as error:
        if "entities" in error.message or "larger than" in error.message:
            raise  # hostile or oversized: the whole package is refused
        reason = error.message.split(": ", 1)[1] if ": " in error.message else error.message
        return refused_item(
            source_id=source_id(href), label=href, file=file, line=error.line, kind="QTI item", reason=reason
        )
    return _item(root, file)


def read_package(data: bytes, name: str, limits: ReadLimits) -> ReadResult:
    package = SafePackage(data, file=name, limits=limits)
    if "imsmanifest.xml" not in package:
        raise FormatError("the package has no imsmanifest.xml at its root", file=name)
    manifest = package.xml("imsmanifest.xml")
    hrefs: list[str] = []
    for resource in manifest.iter():
        if _local(resource.tag) != "resource" or resource.get("type") not in ITEM_TYPES:
            continue
        href = resource.get("href")
        if not href:
            files = [f for f in resource if _local(f.tag) == "file" and f.get("href")]
            href = files[0].get("href") if files else None
        if not href:
            raise FormatError(
                f"resource {resource.get('identifier')!r} names no file",
                file=f"{name}/imsmanifest.xml",
                line=resource.sourceline,
            )
        hrefs.append(resolve_href("imsmanifest.xml", href, file=f"{name}/imsmanifest.xml"))
    if not hrefs:
        from . import canvas_qti

        if canvas_qti.is_canvas(package):
            return canvas_qti.read_canvas(package, name, limits)
        raise FormatError("the manifest lists no QTI 2.1 or 3.0 item", file=f"{name}/imsmanifest.xml")
    if len(hrefs) > limits.max_items:
        raise FormatError(f"the package holds more than {limits.max_items} items", file=name)
    items = [_member_item(package, href, name) for href in dict.fromkeys(hrefs)]
    return ReadResult(format="qti", file=name, items=tuple(items))


def read(data: bytes, name: str, limits: ReadLimits) -> ReadResult:
    """A package (zip) or a single item document (2.1 or 3.0); Canvas 1.2 documents go to ``canvas_qti``."""
    if is_zip(data):
        return read_package(data, name, limits)
    root = parse_xml(data, file=name, limits=limits)
    if _local(root.tag) == "questestinterop":
        from . import canvas_qti

        return canvas_qti.read_document(root, name, limits)
    if _local(root.tag) not in ("assessmentItem", "qti-assessment-item"):
        raise FormatError(
            f"expected a QTI assessment item or package, found <{_local(root.tag)}>", file=name, line=root.sourceline
        )
    return ReadResult(format="qti", file=name, items=(_item(root, name),))


# --- export -------------------------------------------------------------------------------------------------


def _xml(root: etree._Element, version: str, schema_location: str) -> bytes:
    namespace = etree.QName(root).namespace
    root.set(f"{{{XSI}}}schemaLocation", f"{namespace} {schema_location}")
    cleaned = etree.Element(root.tag, nsmap={None: namespace, "xsi": XSI})
    cleaned.attrib.update(root.attrib)
    cleaned.text = root.text
    cleaned.extend(list(root))
    etree.cleanup_namespaces(cleaned)
    # Not indented: whitespace inside the item body is content, and round trips must keep it exact.
    return etree.tostring(cleaned, xml_declaration=True, encoding="UTF-8")


def write_package(questions: Sequence[ExportQuestion], *, version: str) -> ExportResult:
    skipped: list[tuple[str, str]] = []
    warned: list[tuple[str, str]] = []
    files: dict[str, bytes] = {}
    written: list[tuple[str, str]] = []  # (item identifier, href)
    used: set[str] = set()
    for entry in questions:
        identifier = ncname(entry.identifier, prefix="item")
        base, counter = identifier, 2
        while identifier in used:
            identifier, counter = f"{base}_{counter}", counter + 1
        try:
            element, warnings = write_item(identifier, entry.content, version=version)
        except Refused as error:
            skipped.append((entry.identifier, error.reason))
            continue
        used.add(identifier)
        href = f"items/{identifier}.xml"
        files[href] = _xml(element, version, SCHEMA30 if version == "3.0" else SCHEMA21)
        written.append((identifier, href))
        warned.extend((entry.identifier, warning) for warning in dict.fromkeys(warnings))
    files["tests/test.xml"] = _xml(_test(written, version), version, SCHEMA30 if version == "3.0" else SCHEMA21)
    files = {"imsmanifest.xml": _manifest(written, version), **files}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    suffix = "qti3" if version == "3.0" else "qti21"
    return ExportResult(
        data=buffer.getvalue(),
        filename=f"questions-{suffix}.zip",
        content_type="application/zip",
        written=len(written),
        skipped=tuple(skipped),
        warnings=tuple(warned),
    )


def _test(written: list[tuple[str, str]], version: str) -> etree._Element:
    test = etree.Element("assessmentTest", {"identifier": "vault-test", "title": "Question bank export"})
    part = etree.SubElement(
        test, "testPart", {"identifier": "part-1", "navigationMode": "nonlinear", "submissionMode": "individual"}
    )
    section = etree.SubElement(
        part, "assessmentSection", {"identifier": "section-1", "title": "Questions", "visible": "true"}
    )
    for identifier, href in written:
        etree.SubElement(section, "assessmentItemRef", {"identifier": identifier, "href": f"../{href}"})
    return spell(test, version)


def _manifest(written: list[tuple[str, str]], version: str) -> bytes:
    namespace = CP_NS[version]
    manifest = etree.Element(
        f"{{{namespace}}}manifest", {"identifier": "vault-manifest"}, nsmap={None: namespace, "xsi": XSI}
    )
    manifest.set(f"{{{XSI}}}schemaLocation", f"{namespace} {CP_SCHEMA[version]}")
    metadata = etree.SubElement(manifest, f"{{{namespace}}}metadata")
    etree.SubElement(metadata, f"{{{namespace}}}schema").text = "QTI Package"
    etree.SubElement(metadata, f"{{{namespace}}}schemaversion").text = "3.0.0" if version == "3.0" else "2.1"
    etree.SubElement(manifest, f"{{{namespace}}}organizations")
    resources = etree.SubElement(manifest, f"{{{namespace}}}resources")
    item_type = "imsqti_item_xmlv3p0" if version == "3.0" else "imsqti_item_xmlv2p1"
    test = etree.SubElement(
        resources,
        f"{{{namespace}}}resource",
        {"identifier": "res-test", "type": TEST_TYPES[version], "href": "tests/test.xml"},
    )
    etree.SubElement(test, f"{{{namespace}}}file", {"href": "tests/test.xml"})
    for identifier, _ in written:
        etree.SubElement(test, f"{{{namespace}}}dependency", {"identifierref": f"res-{identifier}"})
    for identifier, href in written:
        resource = etree.SubElement(
            resources, f"{{{namespace}}}resource", {"identifier": f"res-{identifier}", "type": item_type, "href": href}
        )
        etree.SubElement(resource, f"{{{namespace}}}file", {"href": href})
    etree.indent(manifest, space="  ")
    return etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _detect(name: str, head: bytes) -> bool:
    if is_zip(head):
        return True
    sample = head[:4096]
    return any(marker in sample for marker in (b"assessmentItem", b"qti-assessment-item", b"questestinterop"))


FORMAT_QTI = QuestionFormat(
    name="qti",
    label="QTI (3.0, 2.1 or Canvas 1.2; item or package)",
    family=FAMILY,
    read=read,
    detect=_detect,
    extensions=(".zip", ".xml"),
)
FORMAT_QTI3 = QuestionFormat(
    name="qti3",
    label="QTI 3.0 package",
    family=FAMILY,
    write=lambda questions: write_package(questions, version="3.0"),
    extensions=(".zip",),
)
FORMAT_QTI21 = QuestionFormat(
    name="qti21",
    label="QTI 2.1 package",
    family=FAMILY,
    write=lambda questions: write_package(questions, version="2.1"),
    extensions=(".zip",),
)
