"""
The grade-report outbox moves from its own table onto the attempt row (docs/decisions/0003, amended).

A queued report becomes a mark on the learner's latest graded attempt of that assessment (the earliest due
time, the most tries and the last error of the learner's queued rows); the reverse writes one queued row per
marked attempt. Nothing queued is lost either way.
"""

from typing import Any

from django.db import migrations, models


def _rows_to_attempts(apps: Any, schema_editor: Any) -> None:
    pending_model = apps.get_model("ve_edu_vault", "PendingGradeReport")
    attempt_model = apps.get_model("ve_edu_vault", "Attempt")
    queued: dict[tuple[int, int], tuple[Any, int, str]] = {}
    for row in pending_model.objects.order_by("id"):
        key = (row.assessment_id, row.user_id)
        due, tries, error = queued.get(key, (row.due_at, 0, ""))
        queued[key] = (min(due, row.due_at), max(tries, row.tries), row.last_error or error)
    for (assessment_id, user_id), (due, tries, error) in queued.items():
        latest = (
            attempt_model.objects.filter(assessment_id=assessment_id, user_id=user_id, state="graded")
            .order_by("-number")
            .first()
        )
        if latest is None:  # no graded attempt: there is no grade to report
            continue
        latest.report_due_at, latest.report_tries, latest.report_error = due, tries, error
        latest.save(update_fields=["report_due_at", "report_tries", "report_error"])


def _attempts_to_rows(apps: Any, schema_editor: Any) -> None:
    pending_model = apps.get_model("ve_edu_vault", "PendingGradeReport")
    attempt_model = apps.get_model("ve_edu_vault", "Attempt")
    marked = attempt_model.objects.filter(report_due_at__isnull=False).order_by("id")
    pending_model.objects.bulk_create(
        pending_model(
            assessment_id=attempt.assessment_id,
            user_id=attempt.user_id,
            due_at=attempt.report_due_at,
            tries=attempt.report_tries,
            last_error=attempt.report_error,
        )
        for attempt in marked
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ve_edu_vault", "0005_grade_report_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="report_due_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="attempt",
            name="report_error",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddField(
            model_name="attempt",
            name="report_tries",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="attempt",
            index=models.Index(fields=["report_due_at"], name="vault_attempt_report_due"),
        ),
        migrations.RunPython(_rows_to_attempts, _attempts_to_rows),
        migrations.DeleteModel(
            name="PendingGradeReport",
        ),
    ]
