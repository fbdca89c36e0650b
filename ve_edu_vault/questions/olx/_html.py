"""
XML/HTML fragment helpers shared by the capa importer and exporter.

Prompts, choice texts, hints and explanations are stored as HTML fragments in their XHTML serialisation (what
lxml writes). The importer serialises the nodes it keeps; the exporter parses a fragment back into nodes. For a
well-formed, stripped fragment the two are inverse, which is what makes OLX round trips exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape

from lxml import etree
from lxml import html as lxml_html

__all__ = ["SAFE_PARSER", "append_fragment", "fragment_html", "inner_html", "parse_xml"]

# No entity expansion, no network, no DTD: OLX comes from course authors and archives we do not control.
SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True, remove_pis=True, huge_tree=False
)


def parse_xml(source: str | bytes) -> etree._Element:
    if isinstance(source, str):
        source = source.encode("utf-8")
    return etree.fromstring(source, SAFE_PARSER)


def _tag(node: etree._Element) -> str:
    return node.tag if isinstance(node.tag, str) else ""


def fragment_html(text: str | None, children: Iterable[etree._Element], *, with_tails: bool = True) -> str:
    """Serialise ``text`` followed by ``children`` (with their tails) as one stripped HTML fragment."""
    pieces = [escape(text or "")]
    for child in children:
        pieces.append(etree.tostring(child, encoding="unicode", with_tail=with_tails))
    return "".join(pieces).strip()


def inner_html(element: etree._Element, *, skip: frozenset[str] = frozenset()) -> str:
    """The stripped inner HTML of ``element``, leaving out children whose tag is in ``skip`` (keeping tails)."""
    pieces = [escape(element.text or "")]
    for child in element:
        if _tag(child) in skip:
            pieces.append(escape(child.tail or ""))
        else:
            pieces.append(etree.tostring(child, encoding="unicode", with_tail=True))
    return "".join(pieces).strip()


def unwrap_label(fragment: str) -> str:
    """A fragment that is exactly one bare ``<label>`` element is stored as the label's content."""
    if not fragment.startswith("<label>") or not fragment.endswith("</label>"):
        return fragment
    try:
        wrapper = parse_xml(f"<x>{fragment}</x>")
    except etree.XMLSyntaxError:
        return fragment
    only_child = len(wrapper) == 1 and not (wrapper.text or "").strip() and not (wrapper[0].tail or "").strip()
    if only_child and wrapper[0].tag == "label" and not wrapper[0].attrib:
        return inner_html(wrapper[0])
    return fragment


def append_fragment(parent: etree._Element, fragment: str) -> None:
    """Append the nodes of an HTML fragment to ``parent`` (after its existing children)."""
    if not fragment:
        return
    try:
        wrapper = parse_xml(f"<x>{fragment}</x>")
        text, nodes = wrapper.text, list(wrapper)
    except etree.XMLSyntaxError:
        # Not well-formed XML (e.g. "<br>" or a bare "&"): let the HTML parser repair it.
        parts = lxml_html.fragments_fromstring(fragment)
        text = parts[0] if parts and isinstance(parts[0], str) else None
        nodes = [p for p in parts if not isinstance(p, str)]
    if text:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text
    for node in nodes:
        parent.append(node)


def has_elements(fragment: str) -> bool:
    """Whether a fragment contains markup (as opposed to plain, possibly escaped, text)."""
    try:
        return len(parse_xml(f"<x>{fragment}</x>")) > 0
    except etree.XMLSyntaxError:
        return True
