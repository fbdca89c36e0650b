"""
The stand-in platform tables, now the hosts' own (docs/decisions/0012-platform-adapter-proven.rst).

Until ve_edu_vault 0007 the plugin created these tables itself (``ve_edu_vault_standalone*``). Where
those tables exist (a host database made before the move) their rows are copied here first, then the
plugin's 0007 drops them; the reverse copies the rows back into the plugin's tables when they exist
again. Raw SQL on purpose: this migration must not depend on the plugin's migration state.
"""

from typing import Any

import django.db.models.deletion
import opaque_keys.edx.django.models
from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models

# (model, plugin table, columns); the hosts' tables are standalone_platform_<model>.
TABLES = [
    ("StandaloneEnrollment", "ve_edu_vault_standaloneenrollment", "id, user_id, course_key, is_active, created"),
    ("StandaloneCourseRole", "ve_edu_vault_standalonecourserole", "id, user_id, course_key, role"),
    (
        "StandalonePublishedOutline",
        "ve_edu_vault_standalonepublishedoutline",
        "id, course_key, version, published_at, outline",
    ),
    (
        "StandaloneGrade",
        "ve_edu_vault_standalonegrade",
        "id, user_id, course_key, usage_key, earned, possible, graded_at, modified",
    ),
]


def _copy(apps: Any, schema_editor: Any, *, to_hosts: bool) -> None:
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    copied = []
    for name, plugin_table, columns in TABLES:
        model = apps.get_model("standalone_platform", name)
        host_table = model._meta.db_table
        source, target = (plugin_table, host_table) if to_hosts else (host_table, plugin_table)
        if source not in existing or target not in existing:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(target)}")  # noqa: S608 - table names are constants
            if cursor.fetchone()[0]:
                continue  # never mix rows into a table that already has some
            cursor.execute(f"INSERT INTO {quote(target)} ({columns}) SELECT {columns} FROM {quote(source)}")  # noqa: S608
        copied.append(model)
    if to_hosts and copied:
        # Rows kept their ids: move PostgreSQL's sequences past them (no-op on MySQL and SQLite).
        for sql in connection.ops.sequence_reset_sql(no_style(), copied):
            schema_editor.execute(sql)


def copy_from_plugin(apps: Any, schema_editor: Any) -> None:
    _copy(apps, schema_editor, to_hosts=True)


def copy_back_to_plugin(apps: Any, schema_editor: Any) -> None:
    _copy(apps, schema_editor, to_hosts=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    # Copy the rows before the plugin drops its tables.
    run_before = [("ve_edu_vault", "0009_standalone_platform_tables_move_to_the_hosts")]

    operations = [
        migrations.CreateModel(
            name="StandaloneEnrollment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("course_key", opaque_keys.edx.django.models.CourseKeyField(db_index=True, max_length=255)),
                ("is_active", models.BooleanField(default=True)),
                ("created", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "course_key"), name="host_standalone_enrollment_uniq")
                ],
            },
        ),
        migrations.CreateModel(
            name="StandaloneCourseRole",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("course_key", opaque_keys.edx.django.models.CourseKeyField(db_index=True, max_length=255)),
                (
                    "role",
                    models.CharField(
                        choices=[("staff", "Staff"), ("instructor", "Instructor")], default="staff", max_length=32
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "course_key", "role"), name="host_standalone_role_uniq")
                ],
            },
        ),
        migrations.CreateModel(
            name="StandalonePublishedOutline",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("course_key", opaque_keys.edx.django.models.CourseKeyField(max_length=255, unique=True)),
                ("version", models.CharField(max_length=255)),
                ("published_at", models.DateTimeField(null=True)),
                ("outline", models.JSONField()),
            ],
        ),
        migrations.CreateModel(
            name="StandaloneGrade",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("course_key", opaque_keys.edx.django.models.CourseKeyField(db_index=True, max_length=255)),
                ("usage_key", models.CharField(max_length=255)),
                ("earned", models.FloatField()),
                ("possible", models.FloatField()),
                ("graded_at", models.DateTimeField()),
                ("modified", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("user", "usage_key"), name="host_standalone_grade_uniq")
                ],
            },
        ),
        migrations.RunPython(copy_from_plugin, copy_back_to_plugin),
    ]
