"""`manage.py seed_demo`: demo accounts, tags, shared question banks and public interview templates."""

from __future__ import annotations

import json
import os
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from interview.management import demo_data
from interview.models import InterviewTemplate, Question, QuestionBank, Tag, UserProfile

PASSWORD_ENV = "DEMO_PASSWORD"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@example.com"


ACCOUNTS = (
    DemoAccount("admin", UserProfile.ADMIN, is_superuser=True),
    DemoAccount("interviewer", UserProfile.INTERVIEWER),
    DemoAccount("candidate", UserProfile.CANDIDATE),
)


@dataclass
class SeedResult:
    """What one run created and found: counts per kind, and the passwords of new accounts."""

    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    passwords: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.existing)[kind] += 1


class Command(BaseCommand):
    help = (
        "Load demo data: the accounts admin, interviewer and candidate (emails <username>@example.com), "
        "tags, shared question banks and public interview templates. Safe to run repeatedly: existing "
        "rows are left alone and existing passwords are never changed. New accounts get random passwords, "
        "printed once; set the environment variable DEMO_PASSWORD to give all new accounts that password "
        "instead (for demos and tests)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password-file",
            metavar="PATH",
            help="Write the new accounts' credentials to PATH as JSON {username: password} (mode 0600) "
            "instead of printing them. Left untouched when no account is created.",
        )

    def handle(self, *args: Any, password_file: str | None = None, **options: Any) -> None:
        """Seed everything in one transaction, then report what was created."""
        shared_password = os.environ.get(PASSWORD_ENV) or None
        result = SeedResult()
        with transaction.atomic():
            users = seed_accounts(result, shared_password=shared_password)
            tags = seed_tags(result)
            banks = seed_banks(result, owner=users["interviewer"], tags=tags)
            seed_templates(result, owner=users["interviewer"], tags=tags, banks=banks)
            if password_file and result.passwords:
                write_password_file(password_file, result.passwords)
        self._report(result, shared_password=shared_password, password_file=password_file)

    def _report(self, result: SeedResult, *, shared_password: str | None, password_file: str | None) -> None:
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if not result.passwords:
            self.stdout.write("Demo accounts already exist; their passwords are unchanged.")
        for username, password in result.passwords.items():
            if password_file:
                shown = f"written to {password_file}"
            elif shared_password:
                shown = f"from ${PASSWORD_ENV}"
            else:
                shown = password
            self.stdout.write(f"Created account {username} <{username}@example.com>, password: {shown}")
        if password_file and not result.passwords:
            self.stdout.write(f"No account was created, so {password_file} was not written.")
        for kind in ("accounts", "tags", "question banks", "questions", "templates"):
            self.stdout.write(f"{kind}: {result.created[kind]} created, {result.existing[kind]} existing")
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))


def seed_accounts(result: SeedResult, *, shared_password: str | None) -> dict[str, User]:
    """Create each demo account that is missing; an existing account is never modified."""
    user_model = get_user_model()
    users: dict[str, User] = {}
    for account in ACCOUNTS:
        user = user_model._default_manager.filter(username=account.username).first()
        result.count("accounts", user is None)
        if user is None:
            password = shared_password or secrets.token_urlsafe(18)
            user = _create_account(account, password, check_password=shared_password is not None)
            result.passwords[account.username] = password
        elif getattr(getattr(user, "profile", None), "role", None) != account.role:
            # Never promote an account someone else registered under a demo name.
            result.warnings.append(f"Account {account.username} exists without role {account.role}; left unchanged.")
        users[account.username] = user
    return users


def _create_account(account: DemoAccount, password: str, *, check_password: bool) -> User:
    user = get_user_model()(
        username=account.username,
        email=account.email,
        is_staff=account.is_superuser,
        is_superuser=account.is_superuser,
    )
    if check_password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(f"${PASSWORD_ENV} is too weak: {' '.join(exc.messages)}") from exc
    user.set_password(password)
    user.full_clean()
    user.save()  # the post_save signal gives the user a candidate profile
    profile = user.profile
    profile.role = account.role
    profile.full_clean()
    profile.save()
    return user


def seed_tags(result: SeedResult) -> dict[str, Tag]:
    """Find or create every demo tag case-insensitively; return them by lower-cased name."""
    tags: dict[str, Tag] = {}
    for name in demo_data.TAGS:
        tag, created = Tag.objects.get_or_create_normalised(name)
        result.count("tags", created)
        tags[name.lower()] = tag
    return tags


def seed_banks(result: SeedResult, *, owner: User, tags: dict[str, Tag]) -> dict[str, QuestionBank]:
    """Find or create the shared banks by name and their questions by text within the bank."""
    banks: dict[str, QuestionBank] = {}
    for data in demo_data.BANKS:
        bank = QuestionBank.objects.filter(owner=owner, name=data.name).first()
        result.count("question banks", bank is None)
        if bank is None:
            bank = QuestionBank(owner=owner, name=data.name, description=data.description, is_shared=True)
            bank.full_clean()
            bank.save()
        for question in data.questions:
            _seed_question(result, bank=bank, data=question, tags=tags)
        banks[data.name] = bank
    return banks


def _seed_question(
    result: SeedResult, *, bank: QuestionBank, data: demo_data.DemoQuestion, tags: dict[str, Tag]
) -> None:
    exists = bank.questions.filter(text=data.text).exists()
    result.count("questions", not exists)
    if exists:
        return
    question = Question(
        question_bank=bank, text=data.text, difficulty=data.difficulty, interview_type=data.interview_type
    )
    question.full_clean()
    question.save()
    question.tags.set([tags[name.lower()] for name in data.tags])


def seed_templates(result: SeedResult, *, owner: User, tags: dict[str, Tag], banks: dict[str, QuestionBank]) -> None:
    """Find or create the public templates by name, linked to their banks and tags."""
    for data in demo_data.TEMPLATES:
        exists = InterviewTemplate.objects.filter(user=owner, name=data.name).exists()
        result.count("templates", not exists)
        if exists:
            continue
        template = InterviewTemplate(
            user=owner,
            name=data.name,
            description=data.description,
            difficulty=data.difficulty,
            question_count=data.question_count,
            easy_percentage=data.easy_percentage,
            medium_percentage=data.medium_percentage,
            hard_percentage=data.hard_percentage,
            is_public=True,
        )
        template.full_clean()
        template.save()
        template.tags.set([tags[name.lower()] for name in data.tags])
        template.question_banks.set([banks[name] for name in data.banks])


def write_password_file(path: str, passwords: dict[str, str]) -> None:
    """Write the credentials as JSON readable by the owner only, even if the file already existed."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise CommandError(f"Cannot write the password file {path}: {exc}") from exc
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through os.open
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(passwords, handle, indent=2)
        handle.write("\n")
