"""The follow-up policy of a template (InterviewTemplate.max_follow_ups) and a bank question's guidance."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interview", "0007_chat_follow_ups"),
    ]

    operations = [
        migrations.AddField(
            model_name="interviewtemplate",
            name="max_follow_ups",
            field=models.IntegerField(
                default=1,
                help_text=(
                    "Follow-up questions the interviewer may ask after each key question (0-3). "
                    "Every candidate interviewed with this template gets the same policy."
                ),
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(3),
                ],
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="guidance",
            field=models.TextField(
                blank=True,
                help_text="Optional: what a strong answer covers. Never shown to the candidate.",
                validators=[django.core.validators.MaxLengthValidator(2000)],
            ),
        ),
    ]
