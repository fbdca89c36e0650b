"""
Exports that other tools accept.

QTI: no package in the registries ships the 1EdTech QTI XSDs (looked at on PyPI: citolab-qti-convert,
incept-qti-sdk, qti-package-maker; none carries an .xsd), so the exported packages are checked against the
specification's structural rules, each a named function below (QTI 3.0 ASI and 2.1 information models,
IMS Content Packaging 1.1/1.2 as QTI packages use it).

Moodle XML and GIFT: checked against the rules of Moodle's own readers, question/format/xml/format.php
(``import_headers``: a name is required, ``xmlimportnoname``; answers carry a numeric ``fraction``;
``import_truefalse`` wants the answers "true" and "false"; ``import_numerical`` numeric answers and
tolerances; the category switch) and question/format/gift/format.php (questions separated by blank lines,
``repchar`` escapes, braces).
"""

# ruff: noqa: E501 - long rule messages

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath

import pytest
from interchange_samples import GIFT, MOODLE, QTI
from lxml import etree

from ve_edu_vault.questions.interchange import ExportQuestion, write_questions

NS = {"3.0": "http://www.imsglobal.org/xsd/imsqtiasi_v3p0", "2.1": "http://www.imsglobal.org/xsd/imsqti_v2p1"}
CP = {"3.0": "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1", "2.1": "http://www.imsglobal.org/xsd/imscp_v1p1"}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
TEMPLATES = {
    "3.0": {"https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
            "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"},
    "2.1": {"http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct",
            "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"},
}  # fmt: skip
BLOCK_INTERACTIONS = {"choiceInteraction", "extendedTextInteraction"}
INLINE_INTERACTIONS = {"textEntryInteraction", "inlineChoiceInteraction"}


def name(version: str, camel: str) -> str:
    """The element's name in ``version``: QTI 3.0 writes qti-<kebab-case>."""
    if version == "3.0":
        return "qti-" + re.sub(r"(?<!^)([A-Z])", r"-\1", camel).lower()
    return camel


def attr(version: str, camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", camel).lower() if version == "3.0" else camel


def q(version: str, camel: str) -> str:
    return f"{{{NS[version]}}}{name(version, camel)}"


# --- the rules (each raises AssertionError naming itself) ----------------------------------------------------


def rule_root_element_and_namespace(item: etree._Element, version: str) -> None:
    assert item.tag == q(version, "assessmentItem"), f"root is {item.tag}"


def rule_required_item_attributes(item: etree._Element, version: str) -> None:
    required = ["identifier", "title", attr(version, "timeDependent")] + (["adaptive"] if version == "2.1" else [])
    missing = [a for a in required if item.get(a) is None]
    assert not missing, f"missing {missing}"


def rule_identifiers_are_ncnames(item: etree._Element, version: str) -> None:
    for element in item.iter():
        for key in ("identifier", attr(version, "responseIdentifier"), attr(version, "outcomeIdentifier")):
            value = element.get(key)
            if value is not None:
                assert NCNAME.match(value), f"{key}={value!r} is not an NCName"


def rule_children_in_information_model_order(item: etree._Element, version: str) -> None:
    order = ["responseDeclaration", "outcomeDeclaration", "templateDeclaration", "templateProcessing",
             "stylesheet", "itemBody", "responseProcessing", "modalFeedback"]  # fmt: skip
    ranks = {q(version, n): i for i, n in enumerate(order)}
    seen = [ranks[child.tag] for child in item if isinstance(child.tag, str)]
    assert None not in seen and seen == sorted(seen), [child.tag for child in item]


def rule_interactions_answer_declared_responses(item: etree._Element, version: str) -> None:
    declared = {d.get("identifier") for d in item.iter(q(version, "responseDeclaration"))}
    for element in item.iter():
        response = element.get(attr(version, "responseIdentifier"))
        if response is not None:
            assert response in declared, f"{response} is not declared"


def rule_correct_response_names_choices(item: etree._Element, version: str) -> None:
    choices = {c.get("identifier") for tag in ("simpleChoice", "inlineChoice") for c in item.iter(q(version, tag))}
    for declaration in item.iter(q(version, "responseDeclaration")):
        if declaration.get(attr(version, "baseType")) != "identifier":
            continue
        for value in declaration.iter(q(version, "value")):
            assert value.text in choices, f"correct response {value.text} names no choice"


def rule_interactions_sit_where_the_content_model_allows(item: etree._Element, version: str) -> None:
    body = item.find(q(version, "itemBody"))
    assert body is not None
    assert not (body.text or "").strip(), "text directly in the item body"
    for element in body.iter():
        local = element.tag
        for camel in INLINE_INTERACTIONS:
            if local == q(version, camel):
                assert element.getparent().tag in (f"{{{NS[version]}}}p", f"{{{NS[version]}}}span", f"{{{NS[version]}}}div"), "inline interaction outside a block"  # fmt: skip
        for camel in BLOCK_INTERACTIONS:
            if local == q(version, camel):
                assert element.getparent().tag in (body.tag, f"{{{NS[version]}}}div"), "block interaction inside inline content"  # fmt: skip


def rule_modal_feedback_is_complete(item: etree._Element, version: str) -> None:
    outcomes = {d.get("identifier") for d in item.iter(q(version, "outcomeDeclaration"))}
    for feedback in item.iter(q(version, "modalFeedback")):
        assert feedback.get(attr(version, "outcomeIdentifier")) in outcomes, "feedback outcome not declared"
        assert feedback.get(attr(version, "showHide")) in ("show", "hide")
        assert feedback.get("identifier")


def rule_response_processing_template_is_known(item: etree._Element, version: str) -> None:
    for processing in item.iter(q(version, "responseProcessing")):
        template = processing.get("template")
        if template is not None:
            assert template in TEMPLATES[version], template
        else:
            assert len(processing), "empty response processing without a template"


def rule_mapping_entries(item: etree._Element, version: str) -> None:
    for mapping in item.iter(q(version, "mapping")):
        assert mapping.get(attr(version, "caseSensitive")) is None, "caseSensitive belongs to mapEntry"
        for entry in mapping:
            assert entry.tag == q(version, "mapEntry")
            assert entry.get(attr(version, "mapKey")) is not None
            float(entry.get(attr(version, "mappedValue")))


def rule_choices_unique_within_interaction(item: etree._Element, version: str) -> None:
    for interaction in (*item.iter(q(version, "choiceInteraction")), *item.iter(q(version, "inlineChoiceInteraction"))):
        ids = [c.get("identifier") for c in interaction if c.get("identifier")]
        assert len(ids) == len(set(ids)), f"duplicate choice ids {ids}"


ITEM_RULES: list[Callable[[etree._Element, str], None]] = [
    rule_root_element_and_namespace,
    rule_required_item_attributes,
    rule_identifiers_are_ncnames,
    rule_children_in_information_model_order,
    rule_interactions_answer_declared_responses,
    rule_correct_response_names_choices,
    rule_interactions_sit_where_the_content_model_allows,
    rule_modal_feedback_is_complete,
    rule_response_processing_template_is_known,
    rule_mapping_entries,
    rule_choices_unique_within_interaction,
]


def rule_manifest_root_and_resources(manifest: etree._Element, members: set[str], version: str) -> None:
    assert manifest.tag == f"{{{CP[version]}}}manifest" and manifest.get("identifier")
    types = {
        "3.0": ("imsqti_item_xmlv3p0", "imsqti_test_xmlv3p0"),
        "2.1": ("imsqti_item_xmlv2p1", "imsqti_test_xmlv2p1"),
    }[version]
    resources = list(manifest.iter(f"{{{CP[version]}}}resource"))
    assert resources
    identifiers = {r.get("identifier") for r in resources}
    for resource in resources:
        assert resource.get("type") in types, resource.get("type")
        assert resource.get("href") in members, f"{resource.get('href')} is not in the package"
        for file in resource.iter(f"{{{CP[version]}}}file"):
            assert file.get("href") in members
        for dependency in resource.iter(f"{{{CP[version]}}}dependency"):
            assert dependency.get("identifierref") in identifiers


def rule_test_references_resolve(test: etree._Element, members: set[str], version: str) -> None:
    assert test.tag == q(version, "assessmentTest")
    refs = list(test.iter(q(version, "assessmentItemRef")))
    assert refs
    for ref in refs:
        path = PurePosixPath("tests") / ref.get("href")
        resolved = "/".join(p for p in path.parts if p not in ("",))
        parts: list[str] = []
        for piece in resolved.split("/"):
            parts.pop() if piece == ".." else parts.append(piece)
        assert "/".join(parts) in members, ref.get("href")


@pytest.mark.parametrize(("fmt", "version"), [("qti3", "3.0"), ("qti21", "2.1")])
def test_exported_packages_follow_the_structural_rules(fmt, version):
    questions = [ExportQuestion(identifier=f"q {name}", content=content) for name, content in QTI.items()]
    result = write_questions(fmt, questions)
    archive = zipfile.ZipFile(io.BytesIO(result.data))
    members = set(archive.namelist())
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    rule_manifest_root_and_resources(manifest, members, version)
    rule_test_references_resolve(etree.fromstring(archive.read("tests/test.xml")), members, version)
    items = [m for m in members if m.startswith("items/")]
    assert len(items) == len(QTI)
    for member in items:
        item = etree.fromstring(archive.read(member))
        for rule in ITEM_RULES:
            try:
                rule(item, version)
            except AssertionError as error:
                pytest.fail(f"{member} breaks {rule.__name__}: {error}")


@pytest.mark.parametrize("rule", ITEM_RULES, ids=lambda rule: rule.__name__)
def test_each_rule_catches_what_it_names(rule):
    """Each rule fails on an item broken in its own way (so none of them passes vacuously)."""
    good = etree.fromstring(zipfile.ZipFile(io.BytesIO(write_questions("qti3", [ExportQuestion(identifier="x", content=QTI["mc"])]).data)).read("items/x.xml"))  # fmt: skip
    rule(good, "3.0")
    broken = {
        "rule_root_element_and_namespace": lambda e: setattr(e, "tag", "assessmentItem"),
        "rule_required_item_attributes": lambda e: e.attrib.pop("time-dependent"),
        "rule_identifiers_are_ncnames": lambda e: e.set("identifier", "1 bad"),
        "rule_children_in_information_model_order": lambda e: e.append(e[0]),
        "rule_interactions_answer_declared_responses": lambda e: next(e.iter(q("3.0", "choiceInteraction"))).set(
            "response-identifier", "NOPE"
        ),
        "rule_correct_response_names_choices": lambda e: setattr(next(e.iter(q("3.0", "value"))), "text", "ghost"),
        "rule_interactions_sit_where_the_content_model_allows": lambda e: etree.SubElement(
            e.find(q("3.0", "itemBody")), f"{{{NS['3.0']}}}p"
        ).append(next(e.iter(q("3.0", "choiceInteraction")))),
        "rule_modal_feedback_is_complete": lambda e: next(e.iter(q("3.0", "modalFeedback"))).set("show-hide", "maybe"),
        "rule_response_processing_template_is_known": lambda e: next(e.iter(q("3.0", "responseProcessing"))).clear(),
        "rule_mapping_entries": lambda e: etree.SubElement(
            next(e.iter(q("3.0", "responseDeclaration"))), q("3.0", "mapping"), {"case-sensitive": "true"}
        ),
        "rule_choices_unique_within_interaction": lambda e: [
            c.set("identifier", "same") for c in e.iter(q("3.0", "simpleChoice"))
        ],
    }[rule.__name__]
    broken(good)
    with pytest.raises(AssertionError):
        rule(good, "3.0")


# --- Moodle's rules -----------------------------------------------------------------------------------------


def test_moodle_xml_export_follows_moodles_reader():
    questions = [ExportQuestion(identifier=f"q-{n}", content=c, category=("Week 1",)) for n, c in MOODLE.items()]
    root = etree.fromstring(write_questions("moodle-xml", questions).data)
    assert root.tag == "quiz"
    questions_xml = root.findall("question")
    category, *rest = questions_xml
    assert category.get("type") == "category" and category.findtext("category/text") == "$course$/top/Week 1"
    for question in rest:
        qtype = question.get("type")
        assert qtype in ("multichoice", "truefalse", "shortanswer", "numerical", "essay")
        assert (question.findtext("name/text") or "").strip(), "import_headers: xmlimportnoname"
        assert question.find("questiontext").get("format") == "html"
        float(question.findtext("defaultgrade"))
        answers = question.findall("answer")
        fractions = [float(a.get("fraction")) for a in answers]
        if qtype == "multichoice" and question.findtext("single") == "true":
            assert fractions.count(100) == 1
        if qtype == "multichoice" and question.findtext("single") == "false":
            assert sum(f for f in fractions if f > 0) == pytest.approx(100)
        if qtype == "truefalse":
            assert sorted(a.findtext("text") for a in answers) == ["false", "true"]
        if qtype == "numerical":
            for answer in answers:
                float(answer.findtext("text"))
                float(answer.findtext("tolerance"))
            for unit in question.findall("units/unit"):
                float(unit.findtext("multiplier"))
                assert unit.findtext("unit_name")
        if qtype == "shortanswer":
            assert question.findtext("usecase") in ("0", "1") and fractions and max(fractions) == 100


def test_gift_export_follows_moodles_reader():
    text = write_questions(
        "gift", [ExportQuestion(identifier=f"q-{n}", content=c) for n, c in GIFT.items()]
    ).data.decode()
    blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    questions = [b for b in blocks if not b.startswith("$CATEGORY:")]
    assert len(questions) == len(GIFT)
    for block in questions:
        body = "\n".join(line for line in block.splitlines() if not line.strip().startswith("//"))
        assert body.startswith("::") and re.match(r"^::(?:\\.|[^:\\])*::", body), "name in ::"
        unescaped = re.sub(r"\\.", "", body)
        assert unescaped.count("{") == 1 and unescaped.count("}") == 1, "one answer section (escapes per repchar)"
        assert re.search(r"^// \[id:q-", block, re.MULTILINE), "idnumber comment"
