"""`manage.py seed_demo`: accounts, idempotence, question coverage and template feasibility."""

from __future__ import annotations

import json
import os
import re
import stat
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Q

from interview.management import demo_data
from interview.models import InterviewTemplate, Question, QuestionBank, Tag, UserProfile
from tests.factories import TagFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "Sturdy-Lantern-Orbit-42"
USERNAMES = ("admin", "interviewer", "candidate")


def run_seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=out)
    return out.getvalue()


def split_by_percentages(total: int, percentages: tuple[int, int, int]) -> list[int]:
    """Split total into easy/medium/hard counts by largest remainder (ties go to the earlier share)."""
    exact = [total * p / 100 for p in percentages]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(3), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def row_counts() -> dict[str, int]:
    models = (get_user_model(), UserProfile, Tag, QuestionBank, Question, InterviewTemplate)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    return DEMO_PASSWORD


@pytest.fixture
def no_demo_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


@pytest.fixture
def seeded(demo_password):
    return run_seed()


def test_split_by_percentages_uses_largest_remainder():
    assert split_by_percentages(10, (33, 34, 33)) == [3, 4, 3]


def test_split_by_percentages_keeps_the_total():
    assert sum(split_by_percentages(7, (10, 45, 45))) == 7


@pytest.mark.parametrize(
    ("username", "role"),
    [("admin", UserProfile.ADMIN), ("interviewer", UserProfile.INTERVIEWER), ("candidate", UserProfile.CANDIDATE)],
)
def test_seed_demo_gives_accounts_their_roles(seeded, username, role):
    assert get_user_model().objects.get(username=username).profile.role == role


def test_seed_demo_makes_admin_a_superuser(seeded):
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_seed_demo_keeps_other_accounts_unprivileged(seeded):
    assert not get_user_model().objects.filter(username__in=["interviewer", "candidate"], is_staff=True).exists()


def test_seed_demo_sets_example_emails(seeded):
    assert get_user_model().objects.get(username="candidate").email == "candidate@example.com"


@pytest.mark.parametrize("username", USERNAMES)
def test_seed_demo_demo_password_authenticates(seeded, username):
    assert authenticate(username=username, password=DEMO_PASSWORD) is not None


def test_seed_demo_does_not_echo_demo_password(seeded):
    assert DEMO_PASSWORD not in seeded


def test_seed_demo_rejects_weak_demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "password")
    with pytest.raises(CommandError):
        run_seed()


def test_seed_demo_weak_demo_password_rolls_back(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "password")
    with pytest.raises(CommandError):
        run_seed()
    assert not get_user_model().objects.exists()


def test_seed_demo_prints_generated_passwords(no_demo_password):
    output = run_seed()
    passwords = dict(re.findall(r"Created account (\w+) <[^>]+>, password: (\S+)", output))
    assert all(authenticate(username=u, password=p) for u, p in passwords.items()) and len(passwords) == 3


def test_seed_demo_generated_passwords_differ(no_demo_password, tmp_path):
    path = tmp_path / "credentials.json"
    run_seed("--password-file", str(path))
    assert len(set(json.loads(path.read_text()).values())) == 3


@pytest.mark.parametrize("username", USERNAMES)
def test_seed_demo_password_file_credentials_authenticate(no_demo_password, tmp_path, username):
    path = tmp_path / "credentials.json"
    run_seed("--password-file", str(path))
    assert authenticate(username=username, password=json.loads(path.read_text())[username]) is not None


def test_seed_demo_password_file_is_private(no_demo_password, tmp_path):
    path = tmp_path / "credentials.json"
    run_seed("--password-file", str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_seed_demo_password_file_tightens_existing_file(no_demo_password, tmp_path):
    path = tmp_path / "credentials.json"
    path.write_text("{}")
    path.chmod(0o644)
    run_seed("--password-file", str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_seed_demo_password_file_hides_passwords_from_output(no_demo_password, tmp_path):
    path = tmp_path / "credentials.json"
    output = run_seed("--password-file", str(path))
    assert not any(password in output for password in json.loads(path.read_text()).values())


def test_seed_demo_second_run_creates_nothing(seeded):
    before = row_counts()
    run_seed()
    assert row_counts() == before


def test_seed_demo_second_run_keeps_passwords(seeded, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Another-Sturdy-Phrase-77")
    run_seed()
    assert all(authenticate(username=u, password=DEMO_PASSWORD) for u in USERNAMES)


def test_seed_demo_second_run_says_passwords_unchanged(seeded):
    assert "passwords are unchanged" in run_seed()


def test_seed_demo_second_run_leaves_password_file_alone(no_demo_password, tmp_path):
    path = tmp_path / "credentials.json"
    run_seed("--password-file", str(path))
    first = path.read_text()
    run_seed("--password-file", str(path))
    assert path.read_text() == first


def test_seed_demo_second_run_reports_existing_counts(seeded):
    assert f"questions: 0 created, {Question.objects.count()} existing" in run_seed()


def test_seed_demo_never_promotes_existing_account(demo_password):
    UserFactory(username="admin")
    run_seed()
    admin = get_user_model().objects.get(username="admin")
    assert (admin.is_superuser, admin.profile.role) == (False, UserProfile.CANDIDATE)


def test_seed_demo_reuses_tags_case_insensitively(demo_password):
    TagFactory(name="Python")
    run_seed()
    assert Tag.objects.filter(name__iexact="python").count() == 1


def test_seed_demo_loads_at_least_60_questions(seeded):
    assert Question.objects.count() >= 60


@pytest.mark.parametrize("difficulty", [Question.EASY, Question.MEDIUM, Question.HARD])
def test_seed_demo_covers_each_difficulty(seeded, difficulty):
    assert Question.objects.filter(difficulty=difficulty).count() >= 15


@pytest.mark.parametrize("interview_type", ["GEN", "SKL", "PER", "FIN"])
def test_seed_demo_covers_each_interview_type(seeded, interview_type):
    assert Question.objects.filter(interview_type=interview_type).count() >= 12


def test_seed_demo_tags_every_question_one_to_three_times(seeded):
    assert all(1 <= q.tags.count() <= 3 for q in Question.objects.all())


def test_seed_demo_question_texts_are_unique(seeded):
    assert Question.objects.values("text").distinct().count() == Question.objects.count()


def test_seed_demo_banks_are_shared_by_interviewer(seeded):
    banks = QuestionBank.objects.all()
    assert banks and all(b.is_shared and b.owner.username == "interviewer" for b in banks)


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_seed_demo_templates_cover_every_level(seeded, level):
    assert InterviewTemplate.objects.filter(difficulty=level, is_public=True).exists()


def test_seed_demo_templates_have_valid_distribution(seeded):
    assert all(t.validate_difficulty_distribution() for t in InterviewTemplate.objects.all())


def test_seed_demo_templates_have_banks_and_tags(seeded):
    assert all(t.question_banks.exists() and t.tags.exists() for t in InterviewTemplate.objects.all())


@pytest.mark.parametrize("name", [t.name for t in demo_data.TEMPLATES])
def test_seed_demo_template_banks_can_fill_every_difficulty(seeded, name):
    template = InterviewTemplate.objects.get(name=name)
    pool = Question.objects.filter(question_bank__in=template.question_banks.all())
    if template.tags.exists():
        pool = pool.filter(Q(tags__in=template.tags.all())).distinct()
    shares = (template.easy_percentage, template.medium_percentage, template.hard_percentage)
    needed = split_by_percentages(template.question_count, shares)
    available = [pool.filter(difficulty=d).count() for d in (Question.EASY, Question.MEDIUM, Question.HARD)]
    assert all(a >= n for a, n in zip(available, needed, strict=True)), (needed, available)
