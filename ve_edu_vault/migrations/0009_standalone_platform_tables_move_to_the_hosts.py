"""
The standalone platform backend's stand-in tables leave the plugin (docs/decisions/0012-platform-adapter-proven.rst).

They belong to the test hosts (``hosts.standalone_platform``), which copy their rows before this runs. In
the LMS and Studio the edx_platform backend never wrote them, so a production database loses nothing and
gets no such tables any more. Reversible: the reverse creates them again (empty; the hosts' migration copies
its rows back when it is reversed too).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ve_edu_vault", "0008_question_interchange"),
    ]

    operations = [
        migrations.DeleteModel(name="StandaloneCourseRole"),
        migrations.DeleteModel(name="StandaloneEnrollment"),
        migrations.DeleteModel(name="StandaloneGrade"),
        migrations.DeleteModel(name="StandalonePublishedOutline"),
    ]
