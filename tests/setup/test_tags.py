"""Tags: normalisation, rename and merge (services and the admin-only pages)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interview.core.errors import ServiceError
from interview.models import Tag
from interview.setup.tags import TagExistsError, split_tag_names, tag_merge, tag_rename, tags_get_or_create
from tests.factories import QuestionFactory, TagFactory, TemplateFactory

pytestmark = pytest.mark.django_db


# --- Normalisation --------------------------------------------------------------------------------


def test_split_tag_names_drops_hash_and_spaces():
    assert split_tag_names(" #Python ,  system   design\nSQL") == ["Python", "system design", "SQL"]


def test_split_tag_names_drops_case_insensitive_repeats():
    assert split_tag_names("python, PYTHON, #python") == ["python"]


def test_tags_get_or_create_reuses_existing_any_case():
    existing = TagFactory(name="Python")
    assert tags_get_or_create(["#python"]) == [existing]


def test_tags_get_or_create_keeps_canonical_spelling():
    TagFactory(name="Python")
    tags_get_or_create(["PYTHON"])
    assert list(Tag.objects.values_list("name", flat=True)) == ["Python"]


def test_tags_get_or_create_refuses_overlong_name():
    with pytest.raises(ValidationError, match="longer than 50"):
        tags_get_or_create(["x" * 51])


# --- Rename ---------------------------------------------------------------------------------------


def test_tag_rename_changes_name():
    tag = TagFactory(name="py")
    tag_rename(tag=tag, name="#Python")
    assert Tag.objects.get(pk=tag.pk).name == "Python"


def test_tag_rename_keeps_questions():
    tag = TagFactory(name="py")
    question = QuestionFactory()
    question.tags.add(tag)
    tag_rename(tag=tag, name="python")
    assert list(question.tags.values_list("name", flat=True)) == ["python"]


def test_tag_rename_may_change_only_case():
    tag = TagFactory(name="django")
    assert tag_rename(tag=tag, name="Django").name == "Django"


def test_tag_rename_to_existing_name_any_case_is_refused():
    TagFactory(name="Python")
    tag = TagFactory(name="py")
    with pytest.raises(TagExistsError) as caught:
        tag_rename(tag=tag, name="PYTHON")
    assert caught.value.message == 'A tag named "Python" already exists. Merge "py" into "Python" instead.'


def test_tag_rename_refusal_names_the_existing_tag():
    existing = TagFactory(name="Python")
    with pytest.raises(TagExistsError) as caught:
        tag_rename(tag=TagFactory(name="py"), name="python")
    assert caught.value.existing == existing


def test_tag_rename_to_empty_is_refused():
    with pytest.raises(ValidationError, match="needs a name"):
        tag_rename(tag=TagFactory(name="py"), name=" # ")


# --- Merge ----------------------------------------------------------------------------------------


def test_tag_merge_moves_questions():
    source, target = TagFactory(name="py"), TagFactory(name="python")
    question = QuestionFactory()
    question.tags.add(source)
    tag_merge(source=source, target=target)
    assert list(question.tags.all()) == [target]


def test_tag_merge_moves_templates():
    source, target = TagFactory(name="py"), TagFactory(name="python")
    template = TemplateFactory()
    template.tags.add(source)
    tag_merge(source=source, target=target)
    assert list(template.tags.all()) == [target]


def test_tag_merge_keeps_questions_that_had_both_once():
    source, target = TagFactory(name="py"), TagFactory(name="python")
    question = QuestionFactory()
    question.tags.add(source, target)
    tag_merge(source=source, target=target)
    assert list(question.tags.all()) == [target]


def test_tag_merge_deletes_source():
    source, target = TagFactory(name="py"), TagFactory(name="python")
    tag_merge(source=source, target=target)
    assert not Tag.objects.filter(pk=source.pk).exists()


def test_tag_merge_into_itself_is_refused():
    tag = TagFactory(name="python")
    with pytest.raises(ServiceError, match="into itself"):
        tag_merge(source=tag, target=tag)


def test_tag_merge_is_all_or_nothing(monkeypatch):
    source, target = TagFactory(name="py"), TagFactory(name="python")
    question = QuestionFactory()
    question.tags.add(source)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Tag, "delete", explode)
    with pytest.raises(RuntimeError):
        tag_merge(source=source, target=target)
    assert list(question.tags.all()) == [source]


# --- Pages ----------------------------------------------------------------------------------------


def test_tag_rename_page_is_admin_only(client, interviewer):
    client.force_login(interviewer)
    assert client.get(reverse("tag_rename", args=[TagFactory().pk])).status_code == 403


def test_tag_rename_page_renames(client, admin_user):
    tag = TagFactory(name="py")
    client.force_login(admin_user)
    response = client.post(reverse("tag_rename", args=[tag.pk]), {"name": "Python"})
    assert response.status_code == 302 and Tag.objects.get(pk=tag.pk).name == "Python"


def test_tag_rename_page_offers_merge_on_clash(client, admin_user):
    existing, tag = TagFactory(name="Python"), TagFactory(name="py")
    client.force_login(admin_user)
    response = client.post(reverse("tag_rename", args=[tag.pk]), {"name": "python"})
    assert response.status_code == 400
    assert f"{reverse('tag_merge', args=[tag.pk])}?into={existing.pk}" in response.content.decode()


def test_tag_merge_page_merges(client, admin_user):
    source, target = TagFactory(name="py"), TagFactory(name="python")
    client.force_login(admin_user)
    response = client.post(reverse("tag_merge", args=[source.pk]), {"target": target.pk})
    assert response.status_code == 302 and not Tag.objects.filter(pk=source.pk).exists()


def test_tag_merge_page_cannot_target_itself(client, admin_user):
    tag = TagFactory(name="python")
    client.force_login(admin_user)
    assert client.post(reverse("tag_merge", args=[tag.pk]), {"target": tag.pk}).status_code == 400


def test_tag_list_page_shows_counts(client, interviewer):
    tag = TagFactory(name="python")
    QuestionFactory().tags.add(tag)
    client.force_login(interviewer)
    response = client.get(reverse("tag_list"))
    assert response.status_code == 200 and response.context["tags"][0].question_total == 1


def test_tag_list_page_refuses_candidates(client, user):
    client.force_login(user)
    assert client.get(reverse("tag_list")).status_code == 403
