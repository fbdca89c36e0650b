"""A stand-in third-party format package: one-line CSV questions (``question,right,wrong...``), read only."""

from __future__ import annotations

from ve_edu_vault.questions.interchange import QuestionFormat, ReadLimits, ReadResult
from ve_edu_vault.questions.interchange.build import item, single_choice_part


def read(data: bytes, name: str, limits: ReadLimits) -> ReadResult:
    items = []
    for line_number, line in enumerate(data.decode().splitlines(), start=1):
        prompt, right, *wrong = line.split(",")
        part = single_choice_part([(right, 1.0, ""), *((text, 0.0, "") for text in wrong)])
        items.append(item(source_id=f"csv:{prompt}", label=prompt, file=name, line=line_number, kind="csv",
                          parts=[part], prompt=prompt))  # fmt: skip
    return ReadResult(format="csv", file=name, items=tuple(items))


FORMAT = QuestionFormat(name="csv", label="CSV", family="csv", read=read,
                        detect=lambda name, head: name.endswith(".csv"))  # fmt: skip
BROKEN = QuestionFormat(name="moodle-xml", label="An impostor", family="x", read=read)
