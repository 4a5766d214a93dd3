"""The lease of a reply being generated (Chat.generation_lease_until / generation_lease_owner)."""

from django.db import migrations, models
from django.utils import timezone


def lease_streaming_replies(apps, schema_editor):
    """Give replies left streaming by a server that predates leases an expired lease, so they get recovered."""
    Chat = apps.get_model("interview", "Chat")
    now = timezone.now()
    for chat in Chat.objects.filter(status="in_progress").only("pk", "messages").iterator():
        if any(isinstance(m, dict) and m.get("status") == "streaming" for m in chat.messages or []):
            Chat.objects.filter(pk=chat.pk).update(generation_lease_until=now)


class Migration(migrations.Migration):
    dependencies = [
        ("interview", "0005_report_regenerated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="chat",
            name="generation_lease_until",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="chat",
            name="generation_lease_owner",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.RunPython(lease_streaming_replies, migrations.RunPython.noop),
    ]
