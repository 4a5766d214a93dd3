"""An observer steering a live interview: pending probes and pauses (Chat.probes, paused_at, pauses)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interview", "0008_template_follow_ups_guidance"),
    ]

    operations = [
        migrations.AddField(
            model_name="chat",
            name="probes",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="chat",
            name="paused_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="chat",
            name="pauses",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
