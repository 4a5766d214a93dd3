"""factory_boy factories that build valid rows of every model."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from interview import models as m

# The consent label of the fake model server: "OpenAI-compatible server at <host>" (interview/accounts/consent.py).
FAKE_PROVIDER_LABEL = "OpenAI-compatible server at 127.0.0.1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or "correct-horse-battery")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            self.profile.role = extracted
            self.profile.save()

    @factory.post_generation
    def llm_consent(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """By default the user agreed to send their data to the fake model server (tests/fakes/openai_server.py,
        always on 127.0.0.1); `llm_consent=False` leaves them never asked (tests/privacy_consent/)."""
        if create and extracted is not False:
            self.profile.llm_consent, self.profile.llm_consent_provider = True, FAKE_PROVIDER_LABEL
            self.profile.llm_consent_at = timezone.now()
            self.profile.save()


class ResumeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.UploadedResume

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Resume {n}")
    file = factory.django.FileField(filename="resume.txt", data=b"Jane Doe\nPython developer")
    text_content = "Jane Doe\nPython developer with 6 years of Django."


class JobListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.UploadedJobListing

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Job {n}")
    filename = ""
    content = "Senior Django developer. 5+ years Python, PostgreSQL, AWS."


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Tag

    name = factory.Sequence(lambda n: f"tag{n}")


class QuestionBankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.QuestionBank

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Bank {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Question

    question_bank = factory.SubFactory(QuestionBankFactory)
    text = factory.Sequence(lambda n: f"Question number {n}: explain something?")
    difficulty = m.Question.MEDIUM


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.InterviewTemplate

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Template {n}")
    difficulty = 3
    question_count = 5


class ChatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Chat

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Interview {n}")
    type = "GEN"
    # The follow-up policy is off unless a test turns it on (the model's default is 1): tests of other
    # behaviour keep their turn-by-turn script; tests of follow-ups set max_follow_ups themselves.
    max_follow_ups = 0


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ExportableReport

    chat = factory.SubFactory(ChatFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.InvitedInterview

    interviewer = factory.SubFactory(UserFactory, role="interviewer")
    candidate_email = factory.Sequence(lambda n: f"candidate{n}@example.com")
    scheduled_time = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=1))
    duration_minutes = 60


class RoleChangeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.RoleChangeRequest

    user = factory.SubFactory(UserFactory)
    requested_role = "interviewer"
    reason = "I run hiring for my team."


class TokenUsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.TokenUsage

    user = factory.SubFactory(UserFactory)
    model_name = "gpt-4o"
    prompt_tokens = 100
    completion_tokens = 50
    request_type = "chat_completion"
    branch_name = "main"


class MergeTokenStatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.MergeTokenStats

    source_branch = factory.Sequence(lambda n: f"feature/branch-{n}")
    commit_sha = factory.Sequence(lambda n: f"{n:040x}")
    merged_by = factory.SubFactory(UserFactory)
