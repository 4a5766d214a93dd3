"""One account per email address, case-insensitively, enforced by the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("interview", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE UNIQUE INDEX IF NOT EXISTS interview_auth_user_email_ci ON auth_user (LOWER(email)) WHERE email <> ''",
            reverse_sql="DROP INDEX IF EXISTS interview_auth_user_email_ci",
        ),
    ]
