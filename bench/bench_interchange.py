"""
Benchmark of the question interchange import: 10k Moodle XML questions and a 10k-item QTI 3.0 package,
next to the OLX (capa) importer on the same number of questions, in the same run.

TLDR: run ``.venv/bin/python bench/bench_interchange.py [--count N] [--no-fail]``. On a fresh SQLite
database (a temp file, migrated here) it times, for each source, the whole import a course team runs
(``questions.api.import_questions``: read the file, validate every item through the question API, match
source identifiers, store in one transaction) and a re-import of the same file (every item unchanged),
and prints questions per second. The baseline is the OLX importer's service on the same number of capa
problems (``parse_problem`` + ``validate_content`` + ``import_olx.import_parsed``: the fastest path the
vault already has, with no file to unpack and no identity records), so the figure says what reading a
foreign format and keeping its identifiers cost.

Target (PASS/FAIL, non-zero exit on FAIL unless ``--no-fail``): each interchange import reaches at least
half the OLX importer's questions per second.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_RATIO = 0.5


def moodle_xml(count: int) -> bytes:
    """``count`` questions as Moodle's XML export writes them, four types, ten categories."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    for index in range(count):
        if index % 1000 == 0:
            parts.append(
                f'<question type="category"><category><text>$course$/top/Bench/Part {index // 1000}</text>'
                '</category><info format="html"><text></text></info><idnumber></idnumber></question>\n'
            )
        head = (
            f"<name><text>Question {index}</text></name>"
            f'<questiontext format="html"><text><![CDATA[<p>Question {index}: which is right?</p>]]></text>'
            f'</questiontext><generalfeedback format="html"><text></text></generalfeedback>'
            f"<defaultgrade>1.0000000</defaultgrade><penalty>0.3333333</penalty><hidden>0</hidden>"
            f"<idnumber>bench-{index}</idnumber>"
        )
        kind = index % 4
        if kind == 0:
            parts.append(
                f'<question type="multichoice">{head}<single>true</single><shuffleanswers>true</shuffleanswers>'
                "<answernumbering>abc</answernumbering>"
                '<answer fraction="0" format="html"><text>Alpha</text><feedback format="html"><text></text></feedback></answer>'  # noqa: E501
                '<answer fraction="100" format="html"><text>Beta</text><feedback format="html"><text>Yes</text></feedback></answer>'  # noqa: E501
                '<answer fraction="0" format="html"><text>Gamma</text><feedback format="html"><text></text></feedback></answer>'  # noqa: E501
                "</question>\n"
            )
        elif kind == 1:
            parts.append(
                f'<question type="truefalse">{head}'
                '<answer fraction="100" format="moodle_auto_format"><text>true</text><feedback format="html"><text></text></feedback></answer>'  # noqa: E501
                '<answer fraction="0" format="moodle_auto_format"><text>false</text><feedback format="html"><text></text></feedback></answer>'  # noqa: E501
                "</question>\n"
            )
        elif kind == 2:
            parts.append(
                f'<question type="shortanswer">{head}<usecase>0</usecase>'
                '<answer fraction="100" format="moodle_auto_format"><text>paris</text><feedback format="html"><text></text></feedback></answer>'  # noqa: E501
                "</question>\n"
            )
        else:
            parts.append(
                f'<question type="numerical">{head}'
                '<answer fraction="100" format="moodle_auto_format"><text>9.81</text><feedback format="html"><text></text></feedback>'  # noqa: E501
                "<tolerance>0.05</tolerance></answer></question>\n"
            )
    parts.append("</quiz>\n")
    return "".join(parts).encode()


def qti_package(count: int) -> bytes:
    """A QTI 3.0 package of ``count`` items (one file each, a manifest, a test), as the vault's writer lays it out."""
    from ve_edu_vault.questions.data import QuestionContent, QuestionPart
    from ve_edu_vault.questions.interchange import ExportQuestion, write_questions

    questions = []
    for index in range(count):
        if index % 2 == 0:
            part = QuestionPart(
                id="part_0", type="multiple_choice",
                config={"choices": [{"id": "a", "text": "Alpha"}, {"id": "b", "text": "Beta"}, {"id": "c", "text": "Gamma"}], "shuffle": True},  # noqa: E501
                answer_key={"correct": "b"},
            )  # fmt: skip
        else:
            key = {"answers": ["Paris"], "case_sensitive": False, "ignore_accents": False, "regexp": False}
            part = QuestionPart(id="part_0", type="fill_in_blank", config={"blanks": [{"id": "blank_0"}]},
                                answer_key={"blanks": {"blank_0": key}})  # fmt: skip
        content = QuestionContent(title=f"Item {index}", prompt=f"<p>Item {index}</p>", parts=(part,))
        questions.append(ExportQuestion(identifier=f"item-{index}", content=content))
    return write_questions("qti3", questions).data


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
    from bench_question_import import problem_xml
    from django.core.management import call_command
    from opaque_keys.edx.keys import CourseKey

    call_command("migrate", verbosity=0)
    from ve_edu_vault.questions import api
    from ve_edu_vault.questions.grading import validate_content
    from ve_edu_vault.questions.import_olx import ParsedBlock, import_parsed
    from ve_edu_vault.questions.olx import parse_problem

    count = args.count
    rows = []

    def timed(label: str, run) -> float:
        started = time.perf_counter()
        done = run()
        seconds = time.perf_counter() - started
        rows.append((label, done, seconds))
        return done / seconds

    olx_course = CourseKey.from_string("course-v1:Bench+Olx+2026")
    capa = [problem_xml(i) for i in range(count)]

    def olx() -> int:
        blocks = []
        for index, xml in enumerate(capa):
            parsed = parse_problem(xml)
            validate_content(parsed.content)
            blocks.append(ParsedBlock(usage_key=olx_course.make_usage_key("problem", f"p{index}"), unit_key=None,
                                      content=parsed.content))  # fmt: skip
        imported, _, _, _ = import_parsed(olx_course, blocks)
        return imported

    baseline = timed("OLX capa importer (baseline)", olx)

    xml = moodle_xml(count)
    moodle_course = CourseKey.from_string("course-v1:Bench+Moodle+2026")

    def moodle() -> int:
        report = api.import_questions(moodle_course, xml, "bench.xml")
        assert report.status == "imported" and len(report.created) == count, report.to_dict()["counts"]
        return len(report.created)

    def moodle_again() -> int:
        report = api.import_questions(moodle_course, xml, "bench.xml")
        assert len(report.unchanged) == count
        return len(report.unchanged)

    moodle_rate = timed(f"Moodle XML ({len(xml) / 1e6:.1f} MB)", moodle)
    timed("Moodle XML re-import (all unchanged)", moodle_again)

    package = qti_package(count)
    qti_course = CourseKey.from_string("course-v1:Bench+Qti+2026")

    def qti() -> int:
        report = api.import_questions(qti_course, package, "bench.zip")
        assert report.status == "imported" and len(report.created) == count, report.to_dict()["counts"]
        return len(report.created)

    def qti_again() -> int:
        report = api.import_questions(qti_course, package, "bench.zip")
        assert len(report.unchanged) == count
        return len(report.unchanged)

    qti_rate = timed(f"QTI 3.0 package ({len(package) / 1e6:.1f} MB zip, {count} item files)", qti)
    timed("QTI 3.0 re-import (all unchanged)", qti_again)

    print(f"questions: {count} per source (SQLite)")
    for label, done, seconds in rows:
        print(f"  {label:<55} {seconds:7.2f} s  {done / seconds:8.0f} questions/s")
    ok = True
    for label, rate in (("Moodle XML", moodle_rate), ("QTI 3.0", qti_rate)):
        ratio = rate / baseline
        passed = ratio >= TARGET_RATIO
        ok = ok and passed
        print(
            f"{label}: {ratio:.2f}x the OLX importer's rate, target >= {TARGET_RATIO}: {'PASS' if passed else 'FAIL'}"
        )
    return 0 if ok or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
