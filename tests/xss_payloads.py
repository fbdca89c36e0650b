"""
Stored cross-site scripting payloads for every author-controlled field (issue 18, item 3).

TLDR: ``payload(field)`` is a fragment of classic vectors (an ``<img onerror>``, ``<svg onload>``,
``<script>``, a ``javascript:`` link, an ``<iframe srcdoc>``, ``<details ontoggle>``, a ``<form>``
with a ``javascript:`` action, an ``id`` that would clobber the page's own ``#submit``); each,
if it ran, appends ``field`` to ``window.__xss``. The browser tests assert that list stays unset.
``FORMATTING`` is what must still render (bold, a table, sub/superscripts, code, a link, TeX).
``hostile_content()`` puts a payload in every author-HTML field and in the plain-text title.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "FLAG",
    "FORMATTING",
    "VECTOR_MARKERS",
    "assert_formatting",
    "assert_nothing_ran",
    "hostile_content",
    "hostile_course",
    "payload",
    "short_payload",
]

FLAG = "__xss"
FORMATTING = (
    "<p><strong>BOLDMARK</strong> <em>EMMARK</em> H<sub>2</sub>O x<sup>2</sup> <code>CODEMARK</code> "
    '<a href="https://example.org/docs">LINKMARK</a> \\(x^2\\)</p>'
    "<ul><li>ITEMMARK</li></ul><table><tr><th>HEADMARK</th></tr><tr><td>CELLMARK</td></tr></table>"
)
# Substrings none of which may survive cleaning (checked in the stored and served content).
VECTOR_MARKERS = (
    "onerror",
    "onload",
    "ontoggle",
    "<script",
    "javascript:",
    "<iframe",
    "<svg",
    "<form",
    "srcdoc",
    'id="submit"',
    "style=",
)


def payload(field: str) -> str:
    mark = f"window.{FLAG}=(window.{FLAG}||[]).concat('{field}')"
    parent_mark = f"parent.{FLAG}=(parent.{FLAG}||[]).concat('{field}:iframe')"
    return (
        f'<img src="/nonexistent-{field}.png" onerror="{mark}">'
        f'<svg onload="{mark}"><circle r="1"/></svg>'
        f"<script>{mark}</script>"
        f'<a href="javascript:{mark}">jslink-{field}</a>'
        f'<iframe srcdoc="<script>{parent_mark}</script>"></iframe>'
        f'<details open ontoggle="{mark}"><summary>toggle-{field}</summary></details>'
        f'<form action="javascript:{mark}"><button type="submit">formbutton-{field}</button></form>'
        f'<p id="submit" style="color:red">clobber-{field}</p>'
    )


def short_payload(field: str) -> str:
    """The main vectors within 255 characters: display names are stored in 255-character columns."""
    mark = f"window.{FLAG}=(window.{FLAG}||[]).concat('{field}')"
    return f'<img src=x onerror="{mark}"><script>{mark}</script><a href="javascript:{mark}">jslink-{field}</a>'


def hostile_content(title: str = "Hostile") -> dict[str, Any]:
    """A three-part question with a payload in the title and in every author-HTML field."""
    return {
        "title": f"{title} " + payload("title"),
        "prompt": FORMATTING + payload("prompt"),
        "hints": [{"text": "HINTMARK " + payload("hint")}],
        "explanation": "EXPLMARK " + payload("explanation"),
        "parts": [
            {
                "id": "p0",
                "type": "multiple_choice",
                "prompt": "PARTMARK " + payload("part_prompt"),
                "config": {
                    "choices": [
                        {"id": "a", "text": "<b>CHOICEMARK</b>" + payload("choice")},
                        {"id": "b", "text": "Other"},
                    ],
                    "shuffle": False,
                },
                "answer_key": {"correct": "a", "feedback": {"a": "FEEDMARK " + payload("feedback")}},
            },
            {
                "id": "p1",
                "type": "multi_select",
                "config": {
                    "choices": [{"id": "x", "text": "MULTIMARK" + payload("multi_choice")}, {"id": "y", "text": "Y"}]
                },
                "answer_key": {
                    "correct": ["x"],
                    "feedback": {"x": {"selected": "SELMARK " + payload("multi_feedback")}},
                },
            },
            {
                "id": "p2",
                "type": "dropdown",
                "config": {
                    "options": [{"id": "o1", "text": "OPTMARK" + payload("option")}, {"id": "o2", "text": "O2"}]
                },
                "answer_key": {"correct": "o1", "feedback": {"o1": "OPTFEEDMARK " + payload("option_feedback")}},
            },
        ],
    }


class _Static:
    name = "static"

    def __init__(self, outline: Any) -> None:
        self.outline = outline

    def read(self, course_key: Any) -> Any:
        return self.outline


def hostile_course(author: Any, course_key: Any) -> dict[str, Any]:
    """
    A course synced with a payload in every display name, and an assessment on its unit holding two
    hostile questions: one created through the api (cleaned on save), one written straight through the
    repository as versions stored before cleaning existed are (cleaned on read). Returns their ids.
    """
    from ve_edu_vault.assessments import api as assessments
    from ve_edu_vault.course_sync import api as course_sync
    from ve_edu_vault.course_sync.data import CourseOutline, NodeKind, OutlineNode
    from ve_edu_vault.questions import api as questions
    from ve_edu_vault.questions.data import QuestionContent
    from ve_edu_vault.questions.data_api import NewVersion
    from ve_edu_vault.questions.repositories import get_repository

    topic, subtopic, unit = (course_key.make_usage_key(t, "x") for t in ("chapter", "sequential", "vertical"))
    outline = CourseOutline(
        course_key=course_key,
        version="hostile-1",
        nodes=(
            OutlineNode(usage_key=topic, kind=NodeKind.TOPIC, display_name="TOPICMARK " + short_payload("topic"),
                        parent_key=None, position=0),
            OutlineNode(usage_key=subtopic, kind=NodeKind.SUBTOPIC, display_name="SUBMARK " + short_payload("subtopic"),
                        parent_key=topic, position=0),
            OutlineNode(usage_key=unit, kind=NodeKind.OBJECTIVE, display_name="UNITMARK " + short_payload("objective"),
                        parent_key=subtopic, position=0),
        ),
    )  # fmt: skip
    course_sync.sync_course(course_key, source=_Static(outline))
    saved = questions.create_question(course_key, content=hostile_content("SavedQ"), node_usage_key=unit).id
    raw_version = NewVersion.from_content(QuestionContent.from_dict(hostile_content("RawQ")))
    raw = get_repository().create(course_key=course_key, version=raw_version).id
    assessment = assessments.create_assessment(
        course_key,
        node_usage_key=unit,
        title="QuizMark " + payload("assessment_title"),
        config={
            "selection": {"mode": "fixed", "question_ids": [saved, raw]},
            "behaviour": "deferred",
            "feedback": "after_submission",
            "hints_enabled": True,
        },
        author=author,
    )
    return {"assessment": assessment.id, "saved": saved, "raw": raw, "unit": unit}


# --- in the browser -------------------------------------------------------------------------------

# Elements and attributes that would mean a vector reached the page. The pages' own scripts are
# static files or JSON data; nothing else of these kinds is theirs (the Studio pages' own <details>
# disclosures are, which is why the payload's <details> is caught by its ontoggle attribute instead).
FOUND_IN_DOM = """(scope) => Array.from(document.querySelectorAll(scope)).filter(e =>
    ['IFRAME', 'svg', 'EMBED', 'OBJECT'].includes(e.tagName)
    || e.tagName === 'SCRIPT' && !(e.src.includes('/static/ve_edu_vault/') || e.type === 'application/json')
    || Array.from(e.attributes).some(a => a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value)
                                          || a.name === 'style' || a.name === 'srcdoc')
).map(e => e.outerHTML.slice(0, 120))"""


def assert_nothing_ran(page: Any, where: str, scope: str = "*") -> None:
    """No payload ran on ``page`` and no vector reached the DOM (of the elements ``scope`` selects)."""
    # Click what a learner might click: the javascript: links (their text stays, their href must not).
    for link in page.locator("a", has_text="jslink-").all():
        if link.is_visible():
            link.click()
    page.wait_for_load_state("networkidle")  # broken images have fired their error events
    page.wait_for_timeout(300)
    assert page.evaluate(f"window.{FLAG} || null") is None, f"{where}: a payload ran"
    found = page.evaluate(FOUND_IN_DOM, scope)
    assert found == [], f"{where}: a vector reached the DOM: {found}"
    assert page.evaluate("document.querySelectorAll('#submit').length") <= 1, f"{where}: #submit clobbered"
    assert page.errors == [], f"{where}: {page.errors}"


def assert_formatting(scope: Any) -> None:
    assert scope.locator(".prompt strong", has_text="BOLDMARK").count() >= 1
    assert scope.locator(".prompt sub", has_text="2").count() >= 1
    assert scope.locator(".prompt code", has_text="CODEMARK").count() >= 1
    assert scope.locator(".prompt td", has_text="CELLMARK").count() >= 1
    link = scope.locator('.prompt a[href="https://example.org/docs"]').first
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert scope.locator(".choice label b", has_text="CHOICEMARK").count() >= 1  # choices hold HTML
    assert "\\(x^2\\)" in scope.locator(".prompt").first.text_content()  # TeX for MathJax, as typed
