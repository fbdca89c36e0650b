"""
Mastery reports shaped like the course outline: topic > subtopic > objective, with how many learners mastered each.

TLDR: the objectives' counts come from ``mastery.api.objective_summaries`` (one grouped query); topics and
subtopics add up their objectives' learner-objective pairs (``mastered`` of ``evidence``), so a teacher reads a
section's figure as "of the times learners worked on its objectives, this many ended mastered". Per learner, the
objectives mastered come from ``mastery.api.get_learner_mastery``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.mastery import api as mastery

__all__ = ["MasteryNode", "mastery_outline", "mastery_tree"]


@dataclass(frozen=True, kw_only=True, slots=True)
class MasteryNode:
    """One node of the outline with its mastery counts (objectives: learners; above: learner-objective pairs)."""

    usage_key: str
    kind: str  # topic, subtopic, objective
    display_name: str
    depth: int
    evidence: int  # learners with answers (objective) or the sum below
    mastered: int
    policy: str = ""
    objectives: int = 0

    @property
    def share(self) -> float | None:
        return self.mastered / self.evidence if self.evidence else None


def mastery_outline(course_key: CourseKey) -> list[MasteryNode]:
    """Every topic, subtopic and objective of the mirror in outline order, each with its counts (a flat list)."""
    by_key = {item.objective_key: item for item in mastery.objective_summaries(course_key)}
    out: list[MasteryNode] = []

    def visit(node: CourseNodeData, depth: int) -> tuple[int, int, int]:
        if node.kind == "objective":
            item = by_key.get(str(node.usage_key))
            evidence, mastered = (item.learners, item.mastered) if item else (0, 0)
            out.append(
                MasteryNode(
                    usage_key=str(node.usage_key),
                    kind=node.kind,
                    display_name=node.display_name,
                    depth=depth,
                    evidence=evidence,
                    mastered=mastered,
                    policy=mastery.policy_name(item.policy) if item else "",
                    objectives=1,
                )
            )
            return evidence, mastered, 1
        index = len(out)
        out.append(
            MasteryNode(
                usage_key=str(node.usage_key),
                kind=node.kind,
                display_name=node.display_name,
                depth=depth,
                evidence=0,
                mastered=0,
            )
        )
        totals = [visit(child, depth + 1) for child in node.children]
        evidence, mastered, objectives = (sum(t[i] for t in totals) for i in range(3))
        out[index] = MasteryNode(
            usage_key=str(node.usage_key),
            kind=node.kind,
            display_name=node.display_name,
            depth=depth,
            evidence=evidence,
            mastered=mastered,
            objectives=objectives,
        )
        return evidence, mastered, objectives

    for topic in course_sync.get_outline_tree(course_key):
        visit(topic, 0)
    return out


def _node_dict(node: MasteryNode) -> dict[str, Any]:
    row: dict[str, Any] = {
        "usage_key": node.usage_key,
        "kind": node.kind,
        "display_name": node.display_name,
        "evidence": node.evidence,
        "mastered": node.mastered,
        "share": node.share,
    }
    if node.kind == "objective":
        row["policy"] = node.policy
    else:
        row["objectives"] = node.objectives
        row["children"] = []
    return row


def mastery_tree(course_key: CourseKey) -> list[dict[str, Any]]:
    """:func:`mastery_outline` nested as the outline is: topics, each with its subtopics, each with its objectives
    (``children``); objectives carry their policy's name, the levels above the number of objectives under them."""
    roots: list[dict[str, Any]] = []
    parents: list[dict[str, Any]] = []  # the open node at each depth
    for node in mastery_outline(course_key):
        row = _node_dict(node)
        del parents[node.depth :]
        (parents[-1]["children"] if parents else roots).append(row)
        if "children" in row:
            parents.append(row)
    return roots
