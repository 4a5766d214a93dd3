"""Forms of the setup pages (banks, questions, tags, templates) and of the new-interview page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from interview.core.rubric import RubricError, default_rubric, validate_rubric
from interview.models import Chat, InterviewTemplate, Question, QuestionBank, Tag, UploadedJobListing, UploadedResume
from interview.models.choices import TIME_MULTIPLIER_CHOICES, TIME_MULTIPLIER_MESSAGE
from interview.models.templates import FOLLOW_UPS_DEFAULT, FOLLOW_UPS_MAX, FOLLOW_UPS_MIN, GUIDANCE_MAX_CHARS
from interview.setup import rubrics
from interview.setup.interview_templates import TemplateData
from interview.setup.selectors import job_listings_for, resumes_for, template_list_for_user
from interview.setup.tags import split_tag_names

TAGS_HELP = "Separate tags with commas, e.g. python, system-design. Case does not matter; a leading # is dropped."
FOLLOW_UPS_LABEL = f"Follow-up questions per key question ({FOLLOW_UPS_MIN}-{FOLLOW_UPS_MAX})"


def follow_ups_field(*, required: bool, help_text: str) -> forms.IntegerField:
    """The follow-up policy as a form field: a whole number from 0 to 3, 1 by default."""
    return forms.IntegerField(
        label=FOLLOW_UPS_LABEL,
        min_value=FOLLOW_UPS_MIN,
        max_value=FOLLOW_UPS_MAX,
        initial=FOLLOW_UPS_DEFAULT,
        required=required,
        help_text=help_text,
    )


def time_multiplier_field(*, help_text: str) -> forms.TypedChoiceField:
    """The accommodation's time multiplier as a form field: 1 (standard), 1.25, 1.5 or 2; anything else is refused
    with one clear message."""
    return forms.TypedChoiceField(
        label="Extra time (accommodation)",
        choices=[(str(value), label) for value, label in TIME_MULTIPLIER_CHOICES],
        coerce=Decimal,
        initial="1.00",
        required=False,
        empty_value=None,
        help_text=help_text,
        error_messages={"invalid_choice": TIME_MULTIPLIER_MESSAGE},
    )


class BankForm(forms.ModelForm):
    """A bank's name, description and whether other interviewers may read it."""

    class Meta:
        model = QuestionBank
        fields = ["name", "description", "is_shared"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_shared": "Share read-only with every interviewer"}


class QuestionForm(forms.Form):
    """A question's text, difficulty, interview type, tags and optional guidance on a strong answer."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    difficulty = forms.ChoiceField(choices=Question.DIFFICULTY_CHOICES, initial=Question.MEDIUM)
    interview_type = forms.ChoiceField(
        choices=[("", "Any interview type"), *Chat.INTERVIEW_TYPE_CHOICES], required=False
    )
    tags = forms.CharField(required=False, help_text=TAGS_HELP)
    guidance = forms.CharField(
        label="Guidance: what a strong answer covers",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=GUIDANCE_MAX_CHARS,
        required=False,
        help_text=(
            f"Optional, up to {GUIDANCE_MAX_CHARS:,} characters. The interviewer weighs answers against it when "
            "deciding whether to ask a follow-up; the candidate never sees it."
        ),
    )

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        """The form's initial values for an existing question."""
        return {
            "text": question.text,
            "difficulty": question.difficulty,
            "interview_type": question.interview_type,
            "tags": ", ".join(t.name for t in question.tags.all()),
            "guidance": question.guidance,
        }

    def clean_tags(self) -> list[str]:
        return split_tag_names(self.cleaned_data.get("tags", ""))


class QuestionFilterForm(forms.Form):
    """Search questions by text, tags (all of them or any), difficulty and bank."""

    q = forms.CharField(label="Text contains", required=False, max_length=200)
    tags = forms.CharField(required=False, help_text="Comma-separated tag names.")
    match = forms.ChoiceField(
        label="Tags must match",
        choices=[("all", "All of the tags (AND)"), ("any", "Any of the tags (OR)")],
        initial="all",
        required=False,
    )
    difficulty = forms.ChoiceField(choices=[("", "Any difficulty"), *Question.DIFFICULTY_CHOICES], required=False)

    def clean_tags(self) -> list[str]:
        return split_tag_names(self.cleaned_data.get("tags", ""))

    def clean_match(self) -> str:
        return self.cleaned_data.get("match") or "all"


class TagRenameForm(forms.Form):
    name = forms.CharField(label="New name", max_length=60)


class TagMergeForm(forms.Form):
    """Choose the tag that takes over this tag's questions and templates."""

    target = forms.ModelChoiceField(queryset=Tag.objects.none(), label="Merge into")

    def __init__(self, *args: Any, source: Tag, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = cast(forms.ModelChoiceField, self.fields["target"])
        target.queryset = Tag.objects.exclude(pk=source.pk).order_by("name")


class TemplateForm(forms.Form):
    """Every setting of an interview template; the percentages must add up to 100."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    difficulty = forms.TypedChoiceField(choices=InterviewTemplate.DIFFICULTY_CHOICES, coerce=int, initial=3)
    question_count = forms.IntegerField(min_value=1, max_value=50, initial=10)
    easy_percentage = forms.IntegerField(label="Easy %", min_value=0, max_value=100, initial=33)
    medium_percentage = forms.IntegerField(label="Medium %", min_value=0, max_value=100, initial=34)
    hard_percentage = forms.IntegerField(label="Hard %", min_value=0, max_value=100, initial=33)
    max_follow_ups = follow_ups_field(
        required=False,
        help_text=(
            "After each key question the interviewer may ask up to this many short follow-ups about gaps in the "
            "answer (0: never; left empty: 1). The same policy holds for every candidate interviewed with this "
            "template."
        ),
    )
    tags = forms.CharField(required=False, help_text=TAGS_HELP + " Questions with any of these tags are used.")
    question_banks = forms.ModelMultipleChoiceField(
        queryset=QuestionBank.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    is_public = forms.BooleanField(label="Public: every user may practise with it", required=False)
    shared_with = forms.CharField(
        label="Share with", required=False, help_text="Usernames or email addresses, comma-separated."
    )

    def __init__(self, *args: Any, user: Any, instance: InterviewTemplate | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(instance)
        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        # The criteria editor's rows: as posted, else the template's rubric, else the default rubric. A post without
        # the editor's rows (criteria_count) leaves the rubric as it is.
        self.rubric_posted = self.is_bound and rubrics.COUNT_FIELD in self.data
        if self.rubric_posted:
            self.rubric_rows = rubrics.rows_from_post(self.data)
        else:
            self.rubric_rows = rubrics.rows_from_rubric(instance.rubric if instance is not None else default_rubric())
        self.rubric_problems: list[str] = []
        self.rubric: list[dict[str, Any]] | None = None
        visible = QuestionBank.objects.visible_to(user)
        if instance is not None:  # keep banks the editor cannot see (e.g. on a copy) rather than drop them
            visible = QuestionBank.objects.filter(Q(pk__in=visible) | Q(pk__in=instance.question_banks.all()))
        cast(forms.ModelMultipleChoiceField, self.fields["question_banks"]).queryset = visible.order_by("name")

    @staticmethod
    def initial_for(template: InterviewTemplate) -> dict[str, Any]:
        """The form's initial values for an existing template."""
        fields = ("name", "description", "difficulty", "question_count", "is_public", "max_follow_ups")
        shares = ("easy_percentage", "medium_percentage", "hard_percentage")
        return {
            **{name: getattr(template, name) for name in fields + shares},
            "tags": ", ".join(t.name for t in template.tags.all()),
            "question_banks": list(template.question_banks.all()),
            "shared_with": ", ".join(u.username for u in template.shared_with.all()),
        }

    def clean_tags(self) -> list[str]:
        return split_tag_names(self.cleaned_data.get("tags", ""))

    def clean_max_follow_ups(self) -> int:
        value = self.cleaned_data.get("max_follow_ups")
        return FOLLOW_UPS_DEFAULT if value is None else value

    def clean_shared_with(self) -> list[Any]:
        names = [n.strip() for n in self.cleaned_data.get("shared_with", "").split(",") if n.strip()]
        users, unknown = [], []
        for name in names:
            found = get_user_model()._default_manager.filter(Q(username=name) | Q(email__iexact=name)).first()
            if found is None:
                unknown.append(name)
            else:
                users.append(found)
        if unknown:
            raise ValidationError(f"No user is called {', '.join(unknown)}.")
        return users

    def with_rubric_action(self, action: str) -> TemplateForm:
        """An unbound form showing the posted values with a criteria row added or removed (an editor button):
        nothing is validated, so a new empty row is not reported as an error, and nothing is saved."""
        initial = {name: self[name].value() for name in self.fields}
        form = TemplateForm(user=self.user, instance=self.instance, initial=initial)
        form.rubric_rows = rubrics.rows_after_action(self.rubric_rows, action)
        return form

    @property
    def rubric_row_count(self) -> int:
        return len(self.rubric_rows)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            if self.rubric_posted:
                self.rubric = validate_rubric(rubrics.rubric_from_rows(self.rubric_rows))
        except RubricError as exc:
            self.rubric_problems = exc.problems
            self.add_error(None, "The rubric is not valid: see the criteria below.")
        shares = [data.get(f) for f in ("easy_percentage", "medium_percentage", "hard_percentage")]
        if all(s is not None for s in shares) and sum(shares) != 100:  # type: ignore[arg-type]
            raise ValidationError(
                f"Easy, medium and hard percentages must add up to 100 (they add up to {sum(shares)})."  # type: ignore[arg-type]
            )
        return data

    def to_data(self) -> TemplateData:
        """The cleaned values, as the template services take them."""
        d = self.cleaned_data
        return TemplateData(
            name=d["name"],
            description=d.get("description", ""),
            difficulty=d["difficulty"],
            question_count=d["question_count"],
            easy_percentage=d["easy_percentage"],
            medium_percentage=d["medium_percentage"],
            hard_percentage=d["hard_percentage"],
            tag_names=d["tags"],
            banks=list(d["question_banks"]),
            is_public=d["is_public"],
            shared_with=d["shared_with"],
            max_follow_ups=d["max_follow_ups"],
            rubric=self.rubric,
        )


class ChatCreateForm(forms.Form):
    """A new interview: title, type, difficulty, and optionally a resume, a job listing, a template and a policy."""

    title = forms.CharField(max_length=Chat._meta.get_field("title").max_length, help_text="Up to 50 characters.")
    type = forms.ChoiceField(label="Interview type", choices=Chat.INTERVIEW_TYPE_CHOICES, initial=Chat.GENERAL)
    difficulty = forms.IntegerField(min_value=1, max_value=10, initial=5, help_text="1 (gentle) to 10 (demanding).")
    resume: forms.ModelChoiceField[UploadedResume] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No resume"
    )
    job_listing: forms.ModelChoiceField[UploadedJobListing] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No job listing"
    )
    template: forms.ModelChoiceField[InterviewTemplate] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No template",
        help_text="With a template, the questions come from its banks. Without one, they are prepared for you.",
    )
    max_follow_ups = follow_ups_field(
        required=False,
        help_text=(
            "How many follow-up questions the interviewer may ask after each key question (0: none). "
            "Only for interviews without a template: a template sets its own."
        ),
    )
    time_multiplier = time_multiplier_field(
        help_text="Every question's time limit is multiplied by this (for example if you need extra time)."
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["resume"]).queryset = resumes_for(user)
        cast(forms.ModelChoiceField, self.fields["job_listing"]).queryset = job_listings_for(user)
        cast(forms.ModelChoiceField, self.fields["template"]).queryset = template_list_for_user(user)

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values as chat_create's keyword arguments."""
        d = self.cleaned_data
        return {
            "title": d["title"],
            "type": d["type"],
            "difficulty": d["difficulty"],
            "resume_id": d["resume"].pk if d.get("resume") else None,
            "job_listing_id": d["job_listing"].pk if d.get("job_listing") else None,
            "template_id": d["template"].pk if d.get("template") else None,
            # A chosen template sets the policy; the field (filled in by default) would only contradict it.
            "max_follow_ups": None if d.get("template") else d.get("max_follow_ups"),
            "time_multiplier": d.get("time_multiplier"),
        }
