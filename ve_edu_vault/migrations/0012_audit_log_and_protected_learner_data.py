"""
The audit log (one table for every staff action), filled from the audit records that existed before it, and
learner data protected from cascading deletes (attempts from their account's deletion, responses from their
attempt's, regrade traces and mastery evidence from their response's). on_delete is Django's, not the
database's: the AlterFields change no table.

Reversible: the backfill's reverse does nothing (the table it filled is dropped by the reverse of CreateModel); the
records it was made from are untouched.
"""

import django.db.models.deletion
import django.utils.timezone
import opaque_keys.edx.django.models
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    """One entry per audit record kept so far: regrades started, bindings, retirements, undone syncs, accommodations."""
    entry = apps.get_model("ve_edu_vault", "AuditEntry")
    rows = []
    for run in apps.get_model("ve_edu_vault", "RegradeRun").objects.exclude(status="planned").iterator():
        rows.append(
            entry(
                action="regrade_started",
                course_key=run.course_key,
                actor_id=run.requested_by_id,
                object_type="regrade",
                object_id=str(run.pk),
                details={"question_id": run.question_id, "to_version_id": run.to_version_id, "backfilled": True},
                created=run.started_at or run.created,
            )
        )
    course_of = dict(apps.get_model("ve_edu_vault", "AssessmentBlock").objects.values_list("usage_key", "course_key"))
    for change in apps.get_model("ve_edu_vault", "AssessmentBlockChange").objects.iterator():
        rows.append(
            entry(
                action="block_bound" if change.action == "bound" else "block_unbound",
                course_key=course_of.get(change.usage_key) or change.usage_key.course_key,
                actor_id=change.changed_by_id,
                object_type="block",
                object_id=str(change.usage_key),
                details={
                    "assessment_id": change.assessment_id,
                    "previous_assessment_id": change.previous_assessment_id,
                    "backfilled": True,
                },
                created=change.changed_at,
            )
        )
    for record in apps.get_model("ve_edu_vault", "RetirementRecord").objects.iterator():
        rows.append(
            entry(
                action="learner_retired",
                learner_id=record.user_id,
                object_type="user",
                object_id=str(record.user_id),
                details={"signals": list(record.signals), "counts": dict(record.counts), "backfilled": True},
                created=record.retired_at,
            )
        )
    for undo in apps.get_model("ve_edu_vault", "SyncRecord").objects.filter(undo_of__isnull=False).iterator():
        rows.append(
            entry(
                action="sync_undone",
                course_key=undo.course_key,
                actor_id=undo.requested_by_id,
                object_type="sync",
                object_id=str(undo.undo_of_id),
                details={"undo_sync_id": undo.pk, "backfilled": True},
                created=undo.finished or undo.created,
            )
        )
    accommodations = apps.get_model("ve_edu_vault", "Accommodation").objects.select_related("assessment")
    for row in accommodations.iterator():
        rows.append(
            entry(
                action="accommodation_set",
                course_key=row.assessment.course_key,
                actor_id=row.set_by_id,
                learner_id=row.user_id,
                object_type="accommodation",
                object_id=str(row.pk),
                details={
                    "assessment_id": row.assessment_id,
                    "before": None,
                    "after": {
                        "extra_minutes": row.extra_minutes,
                        "time_multiplier": row.time_multiplier,
                        "extra_attempts": row.extra_attempts,
                    },
                    "backfilled": True,
                },
                created=row.modified,
            )
        )
    entry.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('ve_edu_vault', '0011_course_node_display_name_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='attempt',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='masteryevent',
            name='response',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ve_edu_vault.response'),
        ),
        migrations.AlterField(
            model_name='regradeitem',
            name='response',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ve_edu_vault.response'),
        ),
        migrations.AlterField(
            model_name='response',
            name='attempt',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='ve_edu_vault.attempt'),
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('regrade_started', 'Regrade started'), ('accommodation_set', 'Accommodation set'), ('sync_undone', 'Sync undone'), ('learner_retired', 'Learner retired'), ('block_bound', 'Block bound'), ('block_unbound', 'Block unbound')], max_length=32)),
                ('course_key', opaque_keys.edx.django.models.CourseKeyField(blank=True, max_length=255, null=True)),
                ('learner_id', models.BigIntegerField(blank=True, null=True)),
                ('object_type', models.CharField(max_length=32)),
                ('object_id', models.CharField(max_length=255)),
                ('details', models.JSONField(blank=True, default=dict)),
                ('created', models.DateTimeField(default=django.utils.timezone.now)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['course_key', 'created'], name='vault_audit_course'), models.Index(fields=['learner_id'], name='vault_audit_learner')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
