"""The follow-up policy of a chat (Chat.max_follow_ups) and the follow-up whose clock runs (Chat.current_follow_up)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interview", "0006_generation_lease"),
    ]

    operations = [
        migrations.AddField(
            model_name="chat",
            name="max_follow_ups",
            field=models.IntegerField(
                default=1,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(3),
                ],
            ),
        ),
        migrations.AddField(
            model_name="chat",
            name="current_follow_up",
            field=models.IntegerField(blank=True, null=True),
        ),
    ]
