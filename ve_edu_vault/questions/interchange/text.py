"""
Text helpers shared by the readers and writers: HTML fragments, plain text, identifiers.

Vault prompts, choices, feedback and explanations are HTML fragments. Formats that carry plain text (Aiken,
GIFT's ``[plain]``, Moodle's ``plain_text``) are escaped on the way in and stripped of markup on the way out.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

from lxml import etree
from lxml import html as lxml_html

__all__ = ["html_to_plain", "ncname", "plain_to_html", "short_hash", "xhtml_nodes"]

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_NCNAME_BAD = re.compile(r"[^A-Za-z0-9._-]")
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


def plain_to_html(text: str) -> str:
    """Plain text as an HTML fragment: escaped, line breaks kept as ``<br/>``."""
    lines = [html.escape(line.strip(), quote=False) for line in text.strip().splitlines()]
    return "<br/>".join(line for line in lines)


def html_to_plain(fragment: str) -> str:
    """The text of an HTML fragment: tags removed (``<br>`` and block ends become line breaks), entities decoded."""
    text = re.sub(r"<br\s*/?>|</p>|</div>|</li>", "\n", fragment, flags=re.IGNORECASE)
    text = html.unescape(_TAG.sub("", text))
    lines = [_SPACE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def short_hash(text: str, length: int = 16) -> str:
    normalised = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()[:length]


def is_ncname(value: str) -> bool:
    return bool(_NCNAME.match(value))


def ncname(value: str, *, prefix: str = "id") -> str:
    """``value`` as an XML NCName (what QTI identifiers must be): invalid characters become ``_``."""
    if is_ncname(value):
        return value
    cleaned = _NCNAME_BAD.sub("_", value)
    return cleaned if is_ncname(cleaned) else f"{prefix}_{cleaned}"


def xhtml_nodes(fragment: str) -> tuple[str | None, list[etree._Element]]:
    """Parse an HTML fragment (well-formed or not) into leading text and element nodes (no namespace)."""
    if not fragment:
        return None, []
    try:
        wrapper = etree.fromstring(
            f"<x>{fragment}</x>".encode(),
            etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False),
        )
        return wrapper.text, list(wrapper)
    except etree.XMLSyntaxError:
        parts = lxml_html.fragments_fromstring(fragment)
        text = parts[0] if parts and isinstance(parts[0], str) else None
        return text, [part for part in parts if not isinstance(part, str)]
