"""Template rubrics: /api/templates/ and the template form's criteria editor validate, normalise and save them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interview.core.rubric import default_rubric
from interview.models import InterviewTemplate
from interview.setup.interview_templates import template_copy
from tests.factories import QuestionBankFactory, QuestionFactory, TemplateFactory

pytestmark = pytest.mark.django_db

URL = "/api/templates/"


def criterion(key: str, weight: object = 1, **changes: object) -> dict:
    base = {
        "key": key,
        "name": key.title(),
        "description": f"How good the {key} is.",
        "anchors": {"1": "Weak.", "3": "Fair.", "5": "Strong."},
        "weight": weight,
    }
    return base | changes


CUSTOM = [criterion("depth", 3), criterion("ownership", 1)]


@pytest.fixture
def bank(interviewer):
    bank = QuestionBankFactory(owner=interviewer)
    for difficulty in ("easy", "medium", "hard"):
        QuestionFactory.create_batch(3, question_bank=bank, difficulty=difficulty)
    return bank


@pytest.fixture
def api(interviewer):
    client = APIClient()
    client.force_authenticate(interviewer)
    return client


def payload(bank, **changes):
    base = {
        "name": "API screen",
        "difficulty": 2,
        "question_count": 6,
        "easy_percentage": 50,
        "medium_percentage": 25,
        "hard_percentage": 25,
        "question_bank_ids": [bank.pk],
    }
    return base | changes


# --- API --------------------------------------------------------------------------------------


def test_templates_api_create_without_rubric_gets_the_default(api, bank):
    assert api.post(URL, payload(bank), format="json").json()["rubric"] == default_rubric()


def test_templates_api_create_stores_the_rubric_normalised(api, bank):
    response = api.post(URL, payload(bank, rubric=CUSTOM), format="json")
    stored = InterviewTemplate.objects.get().rubric
    assert (response.status_code, [c["weight"] for c in stored]) == (201, [0.75, 0.25])


def test_templates_api_get_shows_the_rubric(api, interviewer):
    template = TemplateFactory(user=interviewer, rubric=[criterion("depth", 1.0)])
    assert api.get(f"{URL}{template.pk}/").json()["rubric"][0]["key"] == "depth"


BAD_RUBRICS = {
    "no criteria": [],
    "thirteen criteria": [criterion(f"c{n}") for n in range(13)],
    "duplicate keys": [criterion("depth"), criterion("depth")],
    "missing anchor": [criterion("depth", anchors={"1": "Weak.", "3": "Fair."})],
    "all weights zero": [criterion("depth", 0), criterion("ownership", 0)],
    "weight x": [criterion("depth", "x")],
    "not a list": {"depth": 1},
    "null": None,
    "a string": "depth",
}


@pytest.mark.parametrize("rubric", BAD_RUBRICS.values(), ids=BAD_RUBRICS.keys())
def test_templates_api_create_refuses_a_bad_rubric_and_saves_nothing(api, bank, rubric):
    response = api.post(URL, payload(bank, rubric=rubric), format="json")
    body = response.json()
    assert (response.status_code, body["code"], bool(body["problems"])) == (400, "invalid_rubric", True)
    assert not InterviewTemplate.objects.exists()


def test_templates_api_bad_rubric_lists_every_problem(api, bank):
    rubric = [criterion("depth", 0), criterion("depth", anchors={})]
    assert len(api.post(URL, payload(bank, rubric=rubric), format="json").json()["problems"]) == 5


@pytest.mark.parametrize("rubric", BAD_RUBRICS.values(), ids=BAD_RUBRICS.keys())
def test_templates_api_put_refuses_a_bad_rubric_and_changes_nothing(api, bank, interviewer, rubric):
    template = TemplateFactory(user=interviewer)
    response = api.put(f"{URL}{template.pk}/", payload(bank, rubric=rubric), format="json")
    template.refresh_from_db()
    assert (response.status_code, template.rubric, template.name) == (400, default_rubric(), template.name)


def test_templates_api_put_replaces_the_rubric(api, bank, interviewer):
    template = TemplateFactory(user=interviewer)
    api.put(f"{URL}{template.pk}/", payload(bank, rubric=CUSTOM), format="json")
    template.refresh_from_db()
    assert [c["key"] for c in template.rubric] == ["depth", "ownership"]


def test_templates_api_put_without_rubric_keeps_it(api, bank, interviewer):
    template = TemplateFactory(user=interviewer, rubric=[criterion("depth", 1.0)])
    api.put(f"{URL}{template.pk}/", payload(bank), format="json")
    template.refresh_from_db()
    assert [c["key"] for c in template.rubric] == ["depth"]


def test_templates_api_patch_changes_only_the_rubric(api, bank, interviewer):
    template = TemplateFactory(user=interviewer, name="Kept")
    template.question_banks.set([bank])
    response = api.patch(f"{URL}{template.pk}/", {"rubric": CUSTOM}, format="json")
    template.refresh_from_db()
    assert (response.status_code, template.name, len(template.rubric)) == (200, "Kept", 2)


def test_templates_api_patch_refuses_a_bad_rubric(api, interviewer):
    template = TemplateFactory(user=interviewer)
    response = api.patch(f"{URL}{template.pk}/", {"rubric": []}, format="json")
    template.refresh_from_db()
    assert (response.status_code, response.json()["code"], template.rubric) == (400, "invalid_rubric", default_rubric())


def test_templates_api_patch_refuses_another_owners_template(api):
    template = TemplateFactory(is_public=True)
    assert api.patch(f"{URL}{template.pk}/", {"rubric": CUSTOM}, format="json").status_code == 403


def test_template_copy_keeps_the_rubric(interviewer):
    template = TemplateFactory(rubric=[criterion("depth", 1.0)], is_public=True)
    assert template_copy(template=template, user=interviewer).rubric == template.rubric


def test_template_model_clean_refuses_a_bad_rubric_for_the_admin_form():
    template = TemplateFactory.build(rubric=[criterion("depth", 0)])
    with pytest.raises(Exception, match="weight must be a number greater than 0"):
        template.full_clean(exclude=["user"])


# --- the template form's criteria editor ------------------------------------------------------


@pytest.fixture
def as_interviewer(client, interviewer):
    client.force_login(interviewer)
    return client


def form_post(bank, rows, **changes):
    data = {
        "name": "Form screen",
        "difficulty": "3",
        "question_count": "3",
        "easy_percentage": "34",
        "medium_percentage": "33",
        "hard_percentage": "33",
        "question_banks": [str(bank.pk)],
        "criteria_count": str(len(rows)),
    }
    for n, row in enumerate(rows):
        anchors = row.get("anchors") or {}
        fields = {"key": row["key"], "name": row["name"], "description": row["description"], "weight": row["weight"]}
        fields |= {f"anchor_{level}": anchors.get(level, "") for level in ("1", "3", "5")}
        data |= {f"criterion-{n}-{field}": str(value) for field, value in fields.items()}
    return data | changes


def test_template_form_shows_the_default_rubric_rows(as_interviewer):
    page = as_interviewer.get(reverse("template_create")).content.decode()
    assert 'name="criterion-2-key" value="clarity"' in page and 'name="criteria_count" value="3"' in page


def test_template_form_saves_the_rubric_normalised(as_interviewer, bank):
    response = as_interviewer.post(reverse("template_create"), form_post(bank, CUSTOM))
    assert response.status_code == 302
    assert [(c["key"], c["weight"]) for c in InterviewTemplate.objects.get().rubric] == [
        ("depth", 0.75),
        ("ownership", 0.25),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "between 1 and 12 criteria"),
        ([criterion(f"c{n}") for n in range(13)], "between 1 and 12 criteria"),
        ([criterion("depth"), criterion("depth")], "used twice"),
        ([criterion("depth", anchors={"1": "Weak.", "5": "Strong."})], "the anchor for 3"),
        ([criterion("depth", 0)], "greater than 0"),
        ([criterion("depth", "x")], "greater than 0"),
    ],
    ids=["none", "thirteen", "duplicate", "anchor", "zero", "x"],
)
def test_template_form_refuses_a_bad_rubric_and_saves_nothing(as_interviewer, bank, rows, message):
    response = as_interviewer.post(reverse("template_create"), form_post(bank, rows))
    assert response.status_code == 400 and message in response.content.decode()
    assert not InterviewTemplate.objects.exists()


def test_template_form_add_button_adds_a_row_and_saves_nothing(as_interviewer, bank):
    response = as_interviewer.post(reverse("template_create"), form_post(bank, CUSTOM, rubric_action="add"))
    page = response.content.decode()
    assert 'name="criteria_count" value="3"' in page and 'name="criterion-0-key" value="depth"' in page
    assert not InterviewTemplate.objects.exists()


def test_template_form_add_button_reports_no_errors_for_the_new_empty_row(as_interviewer, bank):
    response = as_interviewer.post(reverse("template_create"), form_post(bank, CUSTOM, rubric_action="add"))
    assert (response.status_code, "rubric_errors" in response.content.decode()) == (200, False)


def test_template_form_buttons_keep_the_other_posted_fields(as_interviewer, bank):
    response = as_interviewer.post(reverse("template_create"), form_post(bank, CUSTOM, rubric_action="remove-1"))
    page = response.content.decode()
    assert 'value="Form screen"' in page and f'value="{bank.pk}"' in page and "checked" in page


def test_template_form_remove_button_drops_that_row(as_interviewer, bank):
    response = as_interviewer.post(reverse("template_create"), form_post(bank, CUSTOM, rubric_action="remove-0"))
    page = response.content.decode()
    assert 'name="criterion-0-key" value="ownership"' in page and 'name="criteria_count" value="1"' in page


def test_template_edit_form_shows_and_saves_the_templates_rubric(as_interviewer, bank, interviewer):
    template = TemplateFactory(user=interviewer, rubric=[criterion("depth", 1.0)])
    template.question_banks.set([bank])
    assert 'value="depth"' in as_interviewer.get(reverse("template_edit", args=[template.pk])).content.decode()
    as_interviewer.post(reverse("template_edit", args=[template.pk]), form_post(bank, CUSTOM))
    template.refresh_from_db()
    assert [c["key"] for c in template.rubric] == ["depth", "ownership"]


def test_template_edit_form_refusal_keeps_the_stored_rubric(as_interviewer, bank, interviewer):
    template = TemplateFactory(user=interviewer)
    template.question_banks.set([bank])
    as_interviewer.post(reverse("template_edit", args=[template.pk]), form_post(bank, [criterion("depth", 0)]))
    template.refresh_from_db()
    assert template.rubric == default_rubric()


def test_template_detail_page_shows_the_rubric(as_interviewer, interviewer):
    template = TemplateFactory(
        user=interviewer, rubric=[criterion("depth", 1.0, anchors={"1": "a", "3": "b", "5": "Deep."})]
    )
    page = as_interviewer.get(reverse("template_detail", args=[template.pk])).content.decode()
    assert "Depth" in page and "5: Deep." in page and "100%" in page
