from django.db import migrations, models


def create_row(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("ve_edu_vault", "WebhookSubscriptionsVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("ve_edu_vault", "0022_audit_more_staff_actions"),
    ]

    operations = [
        migrations.CreateModel(
            name="WebhookSubscriptionsVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
