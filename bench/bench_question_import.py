"""
Benchmark of the OLX problem import (10k generated capa problems) against a same-run naive baseline.

TLDR: run ``.venv/bin/python bench/bench_question_import.py [--count N] [--no-fail]``. On a fresh
SQLite database (a temp file, migrated here) it times:

- parse:  ``parse_problem`` + ``sanitize_content`` + ``validate_content`` of every problem (pure, no
          database; what ``import_olx_course`` does before storing);
- ours:   ``import_olx.import_parsed`` (the service behind ``import_olx_course``: one bulk batch);
- reimport: the same again (every problem "unchanged": one read, no writes);
- naive:  one ``Question.objects.create`` + ``QuestionVersion.objects.create`` + tags + save per problem,
          each in its own transaction (what a straightforward loop would do).

Target (PASS/FAIL, non-zero exit on FAIL unless ``--no-fail``): parse + ours under 5 s for 10k.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_SECONDS = 5.0


def problem_xml(index: int) -> str:
    kind = index % 3
    if kind == 0:
        return (
            f'<problem display_name="Q{index}"><multiplechoiceresponse><label>Question {index}: pick B</label>'
            '<choicegroup type="MultipleChoice"><choice correct="false">Alpha</choice>'
            '<choice correct="true">Beta</choice><choice correct="false">Gamma</choice></choicegroup>'
            "</multiplechoiceresponse></problem>"
        )
    if kind == 1:
        return (
            f'<problem display_name="Q{index}"><choiceresponse><label>Question {index}: pick A and C</label>'
            '<checkboxgroup><choice correct="true">Alpha</choice><choice correct="false">Beta</choice>'
            '<choice correct="true">Gamma</choice></checkboxgroup></choiceresponse></problem>'
        )
    return (
        f'<problem display_name="Q{index}"><stringresponse answer="paris" type="ci">'
        f"<label>Question {index}: capital of France?</label><textline/></stringresponse></problem>"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--no-fail", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="vault-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["VAULT_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosts.cms.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from opaque_keys.edx.keys import CourseKey

    call_command("migrate", verbosity=0)
    from ve_edu_vault.questions.data_api import NewVersion
    from ve_edu_vault.questions.grading import validate_content
    from ve_edu_vault.questions.import_olx import ParsedBlock, import_parsed
    from ve_edu_vault.questions.models import Question, QuestionTag, QuestionVersion
    from ve_edu_vault.questions.olx import parse_problem
    from ve_edu_vault.questions.sanitize import sanitize_content

    course = CourseKey.from_string("course-v1:Bench+Import+2026")
    naive_course = CourseKey.from_string("course-v1:Bench+Naive+2026")
    sources = [problem_xml(i) for i in range(args.count)]

    started = time.perf_counter()
    blocks = []
    for index, xml in enumerate(sources):
        parsed = parse_problem(xml)
        assert parsed.ok, parsed
        content = sanitize_content(parsed.content)
        validate_content(content)
        blocks.append(
            ParsedBlock(usage_key=course.make_usage_key("problem", f"p{index}"), unit_key=None, content=content)
        )
    parse_s = time.perf_counter() - started

    started = time.perf_counter()
    imported, _, _, _ = import_parsed(course, blocks)
    ours_s = time.perf_counter() - started

    started = time.perf_counter()
    _, _, unchanged, _ = import_parsed(course, blocks)
    reimport_s = time.perf_counter() - started

    started = time.perf_counter()
    for index, block in enumerate(blocks):
        version = NewVersion.from_content(block.content)
        with transaction.atomic():
            question = Question.objects.create(
                course_key=naive_course, source_usage_key=str(naive_course.make_usage_key("problem", f"p{index}"))
            )
            row = QuestionVersion.objects.create(
                question=question,
                number=1,
                content=version.content,
                type=version.type,
                title=version.title,
                search_text=version.search_text,
                tags=list(version.tags),
                points=version.points,
                content_hash=version.content_hash,
            )
            for tag in version.tags:
                QuestionTag.objects.create(version=row, tag=tag)
            question.current_version = row
            question.save()
    naive_s = time.perf_counter() - started

    total = parse_s + ours_s
    print(f"problems: {args.count} (imported {imported}, re-import unchanged {unchanged})")
    print(f"parse+validate: {parse_s:.2f} s")
    print(f"ours (bulk store): {ours_s:.2f} s")
    print(f"re-import (all unchanged): {reimport_s:.2f} s")
    print(f"naive per-problem ORM save (store only): {naive_s:.2f} s  -> ours is {naive_s / ours_s:.1f}x faster")
    ok = total < TARGET_SECONDS
    print(f"parse + ours = {total:.2f} s, target < {TARGET_SECONDS:.0f} s: {'PASS' if ok else 'FAIL'}")
    return 0 if ok or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
