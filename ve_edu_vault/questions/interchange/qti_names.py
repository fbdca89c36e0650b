"""
QTI 2.1 and 3.0 names: namespaces, templates, the interactions the vault grades, and the two spellings.

QTI 3.0 (1EdTech, ``imsqtiasi_v3p0``) renames QTI 2.1's elements and attributes (``choiceInteraction`` ->
``qti-choice-interaction``, ``responseIdentifier`` -> ``response-identifier``) and keeps the model. The reader
(``qti_read``) first brings a 3.0 item to 2.1 names without namespace (:func:`normalise`); the writer
(``qti_write``) builds 2.1 names and :func:`spell` writes them in the namespace and spelling asked for.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

__all__ = [
    "CLASS_PART_PROMPT",
    "CLASS_PROMPT",
    "NS21",
    "NS30",
    "RULE_ELEMENTS",
    "SCHEMA21",
    "SCHEMA30",
    "SUPPORTED",
    "TEMPLATES",
    "UNSUPPORTED",
    "XSI",
    "normalise",
    "remove_element",
    "spell",
]

NS21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"
NS30 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
SCHEMA21 = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd"
SCHEMA30 = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
TEMPLATES = {
    "match_correct": (
        "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct",
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
    ),
    "map_response": (
        "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response",
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml",
    ),
}
SUPPORTED = {"choiceInteraction", "textEntryInteraction", "inlineChoiceInteraction", "extendedTextInteraction"}
UNSUPPORTED = {
    "hotspotInteraction": "hotspot (image regions)",
    "graphicGapMatchInteraction": "graphic gap match",
    "graphicOrderInteraction": "graphic order",
    "graphicAssociateInteraction": "graphic associate",
    "selectPointInteraction": "select point",
    "positionObjectInteraction": "position object",
    "customInteraction": "custom interaction",
    "portableCustomInteraction": "portable custom interaction (PCI)",
    "matchInteraction": "match",
    "associateInteraction": "associate",
    "orderInteraction": "order",
    "gapMatchInteraction": "gap match",
    "hottextInteraction": "hot text",
    "sliderInteraction": "slider",
    "uploadInteraction": "file upload",
    "drawingInteraction": "drawing",
    "mediaInteraction": "media",
    "endAttemptInteraction": "end attempt",
}
# The QTI elements the writer uses (QTI 3.0 spells them qti-<kebab-case>); everything else is XHTML.
QTI_ELEMENTS = {
    "assessmentItem",
    "responseDeclaration",
    "outcomeDeclaration",
    "correctResponse",
    "value",
    "mapping",
    "mapEntry",
    "defaultValue",
    "itemBody",
    "choiceInteraction",
    "prompt",
    "simpleChoice",
    "textEntryInteraction",
    "inlineChoiceInteraction",
    "inlineChoice",
    "extendedTextInteraction",
    "responseProcessing",
    "responseCondition",
    "responseIf",
    "responseElseIf",
    "responseElse",
    "match",
    "variable",
    "correct",
    "setOutcomeValue",
    "baseValue",
    "sum",
    "mapResponse",
    "modalFeedback",
    "isNull",
    "assessmentTest",
    "testPart",
    "assessmentSection",
    "assessmentItemRef",
    "outcomeProcessing",
    "and",
    "or",
    "not",
    "multiple",
    "gte",
    "lte",
    "equal",
}
RULE_ELEMENTS = {
    "responseCondition",
    "responseIf",
    "responseElseIf",
    "responseElse",
    "setOutcomeValue",
    "match",
    "variable",
    "correct",
    "baseValue",
    "sum",
    "mapResponse",
    "isNull",
    "and",
    "or",
    "not",
    "multiple",
}
CLASS_PROMPT = "vault-prompt"
CLASS_PART_PROMPT = "vault-part-prompt"


@lru_cache(maxsize=512)
def _camel(kebab: str) -> str:
    head, *rest = kebab.split("-")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


@lru_cache(maxsize=512)
def _kebab(camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", camel).lower()


_QTI_NAMESPACES = (NS21, NS30)


def normalise(root: etree._Element) -> tuple[etree._Element, str]:
    """Bring an item (2.1 or 3.0) to 2.1 names without namespace, in place; returns ``(root, version)``."""
    for name in [name for name in root.attrib if name.startswith("{")]:
        del root.attrib[name]  # xsi:schemaLocation: its namespace would leak into every serialised fragment
    root_tag = root.tag if isinstance(root.tag, str) else ""
    version = (
        "3.0"
        if root_tag.startswith(f"{{{NS30}}}")
        or root_tag.endswith("}qti-assessment-item")
        or root_tag.startswith("qti-")
        else "2.1"
    )
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag[0] == "{":
            namespace, _, local = tag[1:].partition("}")
            if namespace not in _QTI_NAMESPACES:
                continue
        else:
            local = tag
        if version == "3.0" and local.startswith("qti-"):
            element.tag = _camel(local[4:])
            attrib = element.attrib
            for name in [name for name in attrib if "-" in name and not name.startswith(("data-", "aria-", "{"))]:
                attrib[_camel(name)] = attrib.pop(name)
        elif local is not tag:
            element.tag = local
    etree.cleanup_namespaces(root)
    return root, version


def spell(root: etree._Element, version: str) -> etree._Element:
    """Give a 2.1-named tree the namespace and names of QTI ``version`` ("2.1" or "3.0")."""
    namespace = NS30 if version == "3.0" else NS21
    for element in root.iter():
        if not isinstance(element.tag, str) or "}" in element.tag:
            continue
        local = element.tag
        if version == "3.0" and local in QTI_ELEMENTS:
            element.tag = f"{{{namespace}}}qti-{_kebab(local)}"
            for name in list(element.attrib):
                if "}" not in name and name != _kebab(name):
                    element.attrib[_kebab(name)] = element.attrib.pop(name)
        else:
            element.tag = f"{{{namespace}}}{local}"
    return root


def remove_element(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
