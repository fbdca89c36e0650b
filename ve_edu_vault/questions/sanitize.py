"""
Author HTML in question content, cleaned with nh3 (the Python binding of Rust's ammonia) against an
allow-list that fits question content.

TLDR: :func:`sanitize_content` returns the content with every author-HTML field cleaned; the api
calls it on save (typed through REST or the Studio forms, and imported from OLX), and
``content_memo`` calls it on read, so versions stored before this existed are shown clean too
(docs/decisions/0010-author-html-sanitising.rst). Pages may then insert these fields as HTML;
everything else (titles, tags, display names) is plain text and must be rendered as text.

The HTML fields of a question: ``prompt``, ``explanation``, ``hints[].text``, each part's
``prompt``, the ``text`` of the items of ``config.choices`` and ``config.options`` (capa choices
and options hold markup), and every string under ``answer_key.feedback`` (per-choice feedback).
A question type that keeps author HTML anywhere else must clean it itself, or never render it as
HTML.

Allowed: text formatting, lists, tables, code, sub/superscripts, quotes, images with an http(s)
or relative ``src`` (no ``data:``), links with an http(s), mailto or relative ``href`` (given
``rel="noopener noreferrer"``). TeX for MathJax is text and passes through. Not allowed: scripts,
styles (tag and attribute), event handlers, ``javascript:`` and other URL schemes, iframes, forms,
SVG and MathML, ``id``/``name`` (they would clobber the page's own elements), ``class``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import nh3

from .data import Hint, QuestionContent, QuestionPart

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "URL_SCHEMES", "clean_html", "sanitize_content"]

ALLOWED_TAGS = frozenset(
    {
        # text
        "p", "br", "hr", "span", "div", "blockquote", "pre", "code", "kbd", "samp", "var",
        "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
        "abbr", "cite", "q", "dfn", "time", "wbr",
        "h3", "h4", "h5", "h6", "label",
        # lists
        "ul", "ol", "li", "dl", "dt", "dd",
        # tables
        "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
        # media and links
        "img", "figure", "figcaption", "a",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "*": frozenset({"title", "lang", "dir"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value"}),
    "th": frozenset({"colspan", "rowspan", "scope", "headers"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "time": frozenset({"datetime"}),
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_ITEM_LISTS = ("choices", "options")
# Text the HTML parser returns unchanged has none of these: markup and entity characters, and what
# parsing normalises (CR, NUL, no-break space, BOM); lone surrogates cannot even reach nh3 (Rust str).
# Most choice texts and many prompts are such plain text: they skip the parse (a property test
# checks that nh3 would have returned them as they are).
_NEEDS_PARSING = re.compile("[<>&\r\x00\xa0\ufeff\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_PASSES = 4

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_html(html: str) -> str:
    """``html`` with everything outside the allow-list removed (scripts and styles with their content)."""
    if not html or not _NEEDS_PARSING.search(html):
        return html
    if _SURROGATE.search(html):  # JSON may carry lone surrogates: U+FFFD, as a browser would show them
        html = html.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    # One pass is not always a fixed point: "<a><table><a>" serialises as nested links, which the
    # next parse splits. Clean until the text no longer changes, so what is stored (and hashed) is
    # what a later read gives back; already clean text takes one pass.
    for _ in range(_MAX_PASSES):
        cleaned = _cleaner.clean(html)
        if cleaned == html:
            break
        html = cleaned
    return html


def _clean_feedback(value: Any) -> Any:
    if isinstance(value, str):
        return clean_html(value)
    if isinstance(value, Mapping):
        return {key: _clean_feedback(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_feedback(item) for item in value]
    return value


def _clean_items(items: Any) -> Any:
    if not isinstance(items, list | tuple):
        return items
    return [
        {**item, "text": clean_html(item["text"])} if isinstance(item, Mapping) and isinstance(item.get("text"), str)
        else item
        for item in items
    ]  # fmt: skip


def _clean_part(part: QuestionPart) -> QuestionPart:
    config: Mapping[str, Any] = part.config
    if any(name in config for name in _ITEM_LISTS):
        config = {key: _clean_items(value) if key in _ITEM_LISTS else value for key, value in config.items()}
    answer_key: Mapping[str, Any] = part.answer_key
    if "feedback" in answer_key:
        answer_key = {**answer_key, "feedback": _clean_feedback(answer_key["feedback"])}
    return replace(part, prompt=clean_html(part.prompt), config=config, answer_key=answer_key)


def sanitize_content(content: QuestionContent) -> QuestionContent:
    """The content with every author-HTML field (see the module docstring) cleaned; the same object when clean."""
    cleaned = replace(
        content,
        prompt=clean_html(content.prompt),
        explanation=clean_html(content.explanation),
        hints=tuple(Hint(text=clean_html(hint.text), penalty=hint.penalty) for hint in content.hints),
        parts=tuple(_clean_part(part) for part in content.parts),
    )
    return content if cleaned == content else cleaned
