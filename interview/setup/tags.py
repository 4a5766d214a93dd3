"""Tags: turning typed names into tags, renaming a tag, and merging one tag into another."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction

from interview.core.errors import ErrorCode, ServiceError
from interview.models import InterviewTemplate, Question, Tag, normalise_tag_name

TAG_MAX_LENGTH = cast(int, Tag._meta.get_field("name").max_length)
_SEPARATORS = re.compile(r"[,\n]")


class TagExistsError(ServiceError):
    """A rename would give a tag the name of another tag; merging is the way to combine them."""

    def __init__(self, tag: Tag, existing: Tag) -> None:
        super().__init__(
            ErrorCode.TAG_EXISTS,
            f'A tag named "{existing.name}" already exists. Merge "{tag.name}" into "{existing.name}" instead.',
        )
        self.tag = tag
        self.existing = existing


def split_tag_names(text: str) -> list[str]:
    """Split "python, #Django" (commas or new lines) into canonical names, without case-insensitive repeats."""
    names: dict[str, str] = {}
    for part in _SEPARATORS.split(text or ""):
        name = normalise_tag_name(part)
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


def tags_get_or_create(names: Iterable[str]) -> list[Tag]:
    """Return the tags for `names`, creating the missing ones; existing tags keep their spelling."""
    tags: dict[int, Tag] = {}
    for name in names:
        canonical = normalise_tag_name(name)
        if len(canonical) > TAG_MAX_LENGTH:
            raise ValidationError({"tags": f'The tag "{canonical[:20]}…" is longer than {TAG_MAX_LENGTH} characters.'})
        if canonical:
            tag, _ = Tag.objects.get_or_create_normalised(canonical)
            tags[tag.pk] = tag
    return list(tags.values())


def tag_rename(*, tag: Tag, name: str) -> Tag:
    """Give a tag a new canonical spelling; raises TagExistsError when another tag already has that name."""
    canonical = normalise_tag_name(name)
    if not canonical:
        raise ValidationError({"name": "A tag needs a name."})
    if len(canonical) > TAG_MAX_LENGTH:
        raise ValidationError({"name": f"A tag name has at most {TAG_MAX_LENGTH} characters."})
    with transaction.atomic():
        existing = Tag.objects.filter(name__iexact=canonical).exclude(pk=tag.pk).first()
        if existing is not None:
            raise TagExistsError(tag, existing)
        tag.name = canonical
        tag.save(update_fields=["name"])
    return tag


def tag_merge(*, source: Tag, target: Tag) -> Tag:
    """Move every question's and template's link from `source` to `target`, then delete `source`, in one transaction."""
    if source.pk == target.pk:
        raise ServiceError(ErrorCode.SAME_TAG, "A tag cannot be merged into itself.")
    with transaction.atomic():
        # Lock both rows so a concurrent merge or rename of either waits for this one.
        locked = {t.pk: t for t in Tag.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
        if len(locked) != 2:
            raise ServiceError(ErrorCode.NOT_FOUND, "One of the tags no longer exists.")
        _move_links(Question.tags.through, "question_id", source, target)
        _move_links(InterviewTemplate.tags.through, "interviewtemplate_id", source, target)
        locked[source.pk].delete()
    return locked[target.pk]


def _move_links(through: type, owner_field: str, source: Tag, target: Tag) -> None:
    """Link `target` to every row linked to `source` (skipping rows that already have it)."""
    manager = through.objects  # type: ignore[attr-defined]
    already = set(manager.filter(tag_id=target.pk).values_list(owner_field, flat=True))
    moving = manager.filter(tag_id=source.pk).values_list(owner_field, flat=True)
    manager.bulk_create(
        [through(**{owner_field: owner_id, "tag_id": target.pk}) for owner_id in moving if owner_id not in already]
    )
