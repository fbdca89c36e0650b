"""
Hypothesis strategies of hostile and valid answers, and a sample question part per registered type.

Shared by the pure fuzz test (``tests/questions/test_answer_fuzz.py``) and the REST one
(``tests/assessments/test_answer_fuzz_rest.py``). A question type registered without a sample here
fails ``test_every_registered_type_has_a_sample``: add one when you add a type.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

CHOICES = [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}, {"id": "c", "text": "Nice"}]

#: One valid part per type (``id`` "p0"), and answers its type must accept.
SAMPLES: dict[str, tuple[dict[str, Any], list[Any]]] = {
    "multiple_choice": (
        {"id": "p0", "type": "multiple_choice", "config": {"choices": CHOICES}, "answer_key": {"correct": "a"}},
        ["a", "b", "c"],
    ),
    "dropdown": (
        {"id": "p0", "type": "dropdown", "config": {"options": CHOICES}, "answer_key": {"correct": "b"}},
        ["a", "b", "c"],
    ),
    "multi_select": (
        {"id": "p0", "type": "multi_select", "config": {"choices": CHOICES}, "answer_key": {"correct": ["a", "c"]}},
        [[], ["a"], ["c", "a"], ["a", "b", "c"]],
    ),
    "numeric": (
        {"id": "p0", "type": "numeric", "config": {}, "answer_key": {"value": 9.81, "tolerance": 1}},
        ["9.81", 9.81, 10, "-1e3", "", "\u22121.5", "abc"],
    ),
    "fill_in_blank": (
        {
            "id": "p0",
            "type": "fill_in_blank",
            "config": {"blanks": [{"id": "b0"}, {"id": "b1"}]},
            "answer_key": {"blanks": {"b0": {"answers": ["Paris"]}, "b1": {"answers": ["^[0-9]+$"], "regexp": True}}},
        },
        [{"b0": "paris", "b1": "42"}, {"b0": ""}, {}, {"b0": None, "b1": "\u05e9\u200f"}],
    ),
    "extended_text": (
        {"id": "p0", "type": "extended_text", "config": {"expected_lines": 5}, "answer_key": {}},
        ["An essay.\n\nTwo paragraphs.", "", "x" * 50_000, "\u05e9\u200f" * 100],
    ),
    "likert": (
        {
            "id": "p0",
            "type": "likert",
            "config": {"scale": ["no", "maybe", "yes"]},
            "answer_key": {"target": 2, "tolerance": 0},
        },
        [0, 1, 2],
    ),
}

EDGE_TEXT = [
    "\ud800",  # lone high surrogate (sent as a JSON escape)
    "\udfff",  # lone low surrogate
    "a\ud83d",  # a surrogate pair cut in half
    "\U0001f600",  # a real pair
    "\x00",  # NUL
    "nul\x00inside",
    "\u200f\u202e\u2066",  # RTL mark, RTL override, isolate
    "e" + "\u0301" * 50,  # a stack of combining accents
    "\ufeff",  # BOM
    "\uffff\ufffe",  # noncharacters
    "\U0010ffff",
    "\r\n\t\x0b\x1f",
    "",
    " ",
]

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(EDGE_TEXT),
    st.text(alphabet=st.characters(categories=["Cs", "Cc", "Cf", "Mn", "Zs", "Lo"]), max_size=20),
    st.integers(min_value=2_000, max_value=1_100_000).map(lambda n: "x" * n),  # up to over a megabyte
    st.sampled_from([49_999, 50_001, 204_798, 204_799]).map(lambda n: "y" * n),  # at the essay and part limits
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(texts.filter(lambda t: len(t) < 50), children, max_size=5)
    ),
    max_leaves=12,
)


def nested(depth: int, leaf: Any = "x") -> Any:
    value: Any = leaf
    for index in range(depth):
        value = [value] if index % 2 else {"k": value}
    return value


def deep(max_depth: int) -> st.SearchStrategy[Any]:
    return st.integers(min_value=1, max_value=max_depth).map(nested)


def part_answers(type_name: str, *, max_depth: int = 2_000) -> st.SearchStrategy[Any]:
    """Valid answers of the type, wrong shapes, edge-case text, huge strings and deep nesting."""
    valid = st.sampled_from(SAMPLES[type_name][1])
    wrong = st.one_of(json_values, deep(max_depth), st.sampled_from([{"x": [1, 2]}, [1, 2, 3], 12345, "12345"]))
    return st.one_of(valid, wrong)


def question_answers(type_name: str, *, max_depth: int = 2_000) -> st.SearchStrategy[Any]:
    """A whole question's answer: mostly ``{"p0": ...}``, sometimes a wrong part id or not an object."""
    per_part = part_answers(type_name, max_depth=max_depth)
    return st.one_of(
        per_part.map(lambda answer: {"p0": answer}),
        st.builds(lambda key, answer: {key: answer}, texts.filter(lambda t: len(t) < 50), per_part),
        json_values,
    )


# --- the rules, written out independently of the implementation (the oracle of the fuzz tests) --------------------

PART_LIMIT = 200 * 1024  # VE_EDU_VAULT_ANSWER_MAX_PART_BYTES's default
_IDS = {"a", "b", "c"}


def _plain(value: Any, depth: int = 1) -> bool:
    """Plain JSON, at most 10 levels deep, text without NUL or lone surrogates, finite numbers."""
    if depth > 10:
        return False
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, str):
        return "\x00" not in value and not any(0xD800 <= ord(char) <= 0xDFFF for char in value)
    if isinstance(value, list):
        return all(_plain(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(key) and _plain(item, depth + 1) for key, item in value.items())
    return False


def _size(value: Any) -> int:
    try:
        return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except ValueError:
        return PART_LIMIT + 1


def part_answer_is_valid(type_name: str, answer: Any) -> bool:
    if answer is None:
        return True
    if not _plain(answer) or _size(answer) > PART_LIMIT:
        return False
    if type_name in ("multiple_choice", "dropdown"):
        return isinstance(answer, str) and answer in _IDS
    if type_name == "multi_select":
        return (
            isinstance(answer, list)
            and all(isinstance(i, str) and i in _IDS for i in answer)
            and len(set(answer)) == len(answer)
        )
    if type_name == "numeric":
        return (isinstance(answer, str) and len(answer) <= 400) or (
            isinstance(answer, int | float) and not isinstance(answer, bool)
        )
    if type_name == "fill_in_blank":  # the sample has two blanks: an object of text (or null) per blank
        return isinstance(answer, dict) and all(
            key in ("b0", "b1") and (text is None or (isinstance(text, str) and len(text) <= 2000))
            for key, text in answer.items()
        )
    if type_name == "extended_text":
        return isinstance(answer, str) and len(answer) <= 50_000
    return True  # a type without an answer schema (likert): plain data of bounded size and depth


def answer_is_valid(type_name: str, answer: Any) -> bool:
    """What the vault must accept for the sample question of ``type_name`` (and refuse otherwise)."""
    if answer is None:
        return True
    if not isinstance(answer, dict):
        return False
    return all(key == "p0" and part_answer_is_valid(type_name, value) for key, value in answer.items())
