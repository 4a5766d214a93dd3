"""Setup pages for interviewers and admins: question banks, questions, tags and interview templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from interview.accounts.permissions import ADMIN, INTERVIEWER, is_admin, role_required
from interview.core.errors import ServiceError
from interview.core.pages import add_service_errors
from interview.models import InterviewTemplate, Question, QuestionBank, Tag
from interview.setup import banks as bank_services
from interview.setup import interview_templates as template_services
from interview.setup import tags as tag_services
from interview.setup.assembly import ShortageError
from interview.setup.forms import (
    BankForm,
    QuestionFilterForm,
    QuestionForm,
    TagMergeForm,
    TagRenameForm,
    TemplateForm,
)
from interview.setup.selectors import (
    bank_is_editable,
    bank_list_for_user,
    question_list,
    tag_list_with_counts,
    template_is_editable,
    template_list_for_user,
)

manager_only = role_required(INTERVIEWER)  # interviewers and admins
admin_only = role_required(ADMIN)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a setup page; a form with errors answers 400 so clients and tests can tell."""
    form = context.get("form")
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request, template, {"can_manage_setup": True, "is_admin": is_admin(request.user), **context}, status=status
    )


def _confirm_delete(request: HttpRequest, what: str, label: str, cancel_url: str) -> HttpResponse:
    context = {"what": what, "label": label, "cancel_url": cancel_url}
    return _page(request, "setup/confirm_delete.html", context)


def _editable_bank(request: HttpRequest, bank_id: int) -> QuestionBank:
    return get_object_or_404(QuestionBank.objects.editable_by(request.user), pk=bank_id)


def _editable_question(request: HttpRequest, question_id: int) -> Question:
    banks = QuestionBank.objects.editable_by(request.user)
    return get_object_or_404(Question.objects.select_related("question_bank"), pk=question_id, question_bank__in=banks)


def _questions_page(request: HttpRequest, banks: QuerySet[QuestionBank], template: str, **context: Any) -> HttpResponse:
    """A question list filtered by the GET parameters (text, tags with AND/OR, difficulty)."""
    filters = QuestionFilterForm(request.GET or None)
    questions = Question.objects.none()
    if filters.is_valid() or not filters.is_bound:
        data = filters.cleaned_data if filters.is_bound else {}
        questions = question_list(
            banks=banks,
            tags=data.get("tags", []),
            match=data.get("match", "all"),
            search=data.get("q", ""),
            difficulty=data.get("difficulty", ""),
        )
    editable = set(QuestionBank.objects.editable_by(request.user).values_list("pk", flat=True))
    filtering = filters.is_bound and any(request.GET.get(k) for k in ("q", "tags", "difficulty"))
    context |= {"filters": filters, "questions": questions, "editable_bank_ids": editable, "filtering": filtering}
    return _page(request, template, context)


# --- Question banks ------------------------------------------------------------------------------


@manager_only
def bank_list(request: HttpRequest) -> HttpResponse:
    """The banks the user may read, marking the ones they may change."""
    banks = bank_list_for_user(request.user)
    editable = set(QuestionBank.objects.editable_by(request.user).values_list("pk", flat=True))
    return _page(request, "setup/bank_list.html", {"banks": banks, "editable_bank_ids": editable})


@manager_only
def bank_create(request: HttpRequest) -> HttpResponse:
    """Create a bank owned by the user."""
    form = BankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank = bank_services.bank_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f'Bank "{bank.name}" created. Add its questions next.')
            return redirect("bank_detail", bank_id=bank.pk)
    return _page(request, "setup/bank_form.html", {"form": form, "bank": None})


@manager_only
def bank_detail(request: HttpRequest, bank_id: int) -> HttpResponse:
    """One bank and its questions, filtered by text, tags and difficulty."""
    bank = get_object_or_404(bank_list_for_user(request.user), pk=bank_id)
    editable = bank_is_editable(request.user, bank)
    return _questions_page(
        request, QuestionBank.objects.filter(pk=bank.pk), "setup/bank_detail.html", bank=bank, editable=editable
    )


@manager_only
def bank_edit(request: HttpRequest, bank_id: int) -> HttpResponse:
    """Change a bank the user owns (admins: any bank)."""
    bank = _editable_bank(request, bank_id)
    form = BankForm(request.POST or None, instance=bank)
    if request.method == "POST" and form.is_valid():
        try:
            bank_services.bank_update(bank=bank, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Bank saved.")
            return redirect("bank_detail", bank_id=bank.pk)
    return _page(request, "setup/bank_form.html", {"form": form, "bank": bank})


@manager_only
def bank_delete(request: HttpRequest, bank_id: int) -> HttpResponse:
    """Confirm, then delete a bank and its questions."""
    bank = _editable_bank(request, bank_id)
    if request.method == "POST":
        bank_services.bank_delete(bank=bank)
        messages.success(request, f'Bank "{bank.name}" deleted.')
        return redirect("bank_list")
    label = f'"{bank.name}" and its {bank.questions.count()} questions'
    return _confirm_delete(request, "bank", label, reverse("bank_detail", args=[bank.pk]))


# --- Questions -----------------------------------------------------------------------------------


@manager_only
def question_search(request: HttpRequest) -> HttpResponse:
    """Every question the user may read, filtered by text, tags (AND or OR) and difficulty."""
    return _questions_page(request, QuestionBank.objects.visible_to(request.user), "setup/question_list.html")


@manager_only
def question_create(request: HttpRequest, bank_id: int) -> HttpResponse:
    """Add a question to a bank the user may change."""
    bank = _editable_bank(request, bank_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_services.question_create(bank=bank, **_question_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Question added.")
            target = "question_create" if "add_another" in request.POST else "bank_detail"
            return redirect(target, bank_id=bank.pk)
    return _page(request, "setup/question_form.html", {"form": form, "bank": bank, "question": None})


@manager_only
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    """Change a question in a bank the user may change."""
    question = _editable_question(request, question_id)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            bank_services.question_update(question=question, **_question_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Question saved.")
            return redirect("bank_detail", bank_id=question.question_bank_id)
    context = {"form": form, "bank": question.question_bank, "question": question}
    return _page(request, "setup/question_form.html", context)


@manager_only
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    """Confirm, then delete a question."""
    question = _editable_question(request, question_id)
    if request.method == "POST":
        bank_services.question_delete(question=question)
        messages.success(request, "Question deleted.")
        return redirect("bank_detail", bank_id=question.question_bank_id)
    return _confirm_delete(
        request, "question", f'"{question}"', reverse("bank_detail", args=[question.question_bank_id])
    )


def _question_fields(form: QuestionForm) -> dict[str, Any]:
    d = form.cleaned_data
    return {
        "text": d["text"],
        "difficulty": d["difficulty"],
        "interview_type": d["interview_type"],
        "tag_names": d["tags"],
        "guidance": d["guidance"],
    }


# --- Tags ----------------------------------------------------------------------------------------


@manager_only
def tag_list(request: HttpRequest) -> HttpResponse:
    """Every tag with its question and template counts; admins may rename and merge."""
    return _page(request, "setup/tag_list.html", {"tags": tag_list_with_counts()})


@admin_only
def tag_rename(request: HttpRequest, tag_id: int) -> HttpResponse:
    """Rename a tag; a name another tag already has is refused with a link to merge instead."""
    tag = get_object_or_404(Tag, pk=tag_id)
    form = TagRenameForm(request.POST or None, initial={"name": tag.name})
    existing = None
    if request.method == "POST" and form.is_valid():
        old = tag.name
        try:
            tag_services.tag_rename(tag=tag, name=form.cleaned_data["name"])
        except tag_services.TagExistsError as exc:
            form.add_error("name", exc.message)
            existing = exc.existing
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f'Tag "{old}" renamed to "{tag.name}".')
            return redirect("tag_list")
    return _page(request, "setup/tag_rename.html", {"form": form, "tag": tag, "existing": existing})


@admin_only
def tag_merge(request: HttpRequest, tag_id: int) -> HttpResponse:
    """Merge a tag into another: its questions and templates move over and the tag is deleted."""
    tag = get_object_or_404(Tag, pk=tag_id)
    form = TagMergeForm(request.POST or None, source=tag, initial={"target": request.GET.get("into")})
    if request.method == "POST" and form.is_valid():
        try:
            target = tag_services.tag_merge(source=tag, target=form.cleaned_data["target"])
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f'Tag "{tag.name}" merged into "{target.name}".')
            return redirect("tag_list")
    return _page(request, "setup/tag_merge.html", {"form": form, "tag": tag})


# --- Interview templates -------------------------------------------------------------------------


@manager_only
def template_list(request: HttpRequest) -> HttpResponse:
    """Templates the user may use: their own, shared with them, and public ones."""
    templates = template_list_for_user(request.user)
    editable = set(InterviewTemplate.objects.editable_by(request.user).values_list("pk", flat=True))
    return _page(request, "setup/template_list.html", {"templates": templates, "editable_ids": editable})


@manager_only
def template_create(request: HttpRequest) -> HttpResponse:
    """Create a template owned by the user."""
    form = TemplateForm(request.POST or None, user=request.user)
    if action := _rubric_action(request):
        form = form.with_rubric_action(action)  # a criteria row added or removed: show the form again, save nothing
    elif request.method == "POST" and form.is_valid():
        try:
            template = template_services.template_create(user=request.user, data=form.to_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f'Template "{template.name}" created.')
            return redirect("template_detail", template_id=template.pk)
    return _page(request, "setup/template_form.html", {"form": form, "template": None})


@manager_only
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    """A template's settings and a sample of the key questions it assembles (or what its banks lack)."""
    template = get_object_or_404(template_list_for_user(request.user), pk=template_id)
    try:
        preview, shortage = template_services.template_key_questions(template, seed=0), ""
    except ShortageError as exc:
        preview, shortage = [], str(exc)
    context = {"template": template, "preview": preview, "shortage": shortage}
    return _page(
        request, "setup/template_detail.html", context | {"editable": template_is_editable(request.user, template)}
    )


@manager_only
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    """Change a template the user owns (admins: any template)."""
    template = get_object_or_404(InterviewTemplate.objects.editable_by(request.user), pk=template_id)
    form = TemplateForm(request.POST or None, user=request.user, instance=template)
    if action := _rubric_action(request):
        form = form.with_rubric_action(action)  # a criteria row added or removed: show the form again, save nothing
    elif request.method == "POST" and form.is_valid():
        try:
            template_services.template_update(template=template, data=form.to_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
            template.refresh_from_db()
        else:
            messages.success(request, "Template saved.")
            return redirect("template_detail", template_id=template.pk)
    return _page(request, "setup/template_form.html", {"form": form, "template": template})


def _rubric_action(request: HttpRequest) -> str:
    """The criteria editor's button pressed ("add", "remove-<n>"), or "" for any other request."""
    return request.POST.get("rubric_action", "") if request.method == "POST" else ""


@require_POST
@manager_only
def template_copy(request: HttpRequest, template_id: int) -> HttpResponse:
    """Copy a template the user may use into a private one they own, and open it for editing."""
    template = get_object_or_404(template_list_for_user(request.user), pk=template_id)
    copy = template_services.template_copy(template=template, user=request.user)
    messages.success(request, f'Copied to "{copy.name}". It is private until you share it.')
    return redirect("template_edit", template_id=copy.pk)


@manager_only
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    """Confirm, then delete a template."""
    template = get_object_or_404(InterviewTemplate.objects.editable_by(request.user), pk=template_id)
    if request.method == "POST":
        template_services.template_delete(template=template)
        messages.success(request, f'Template "{template.name}" deleted.')
        return redirect("template_list")
    return _confirm_delete(request, "template", f'"{template.name}"', reverse("template_detail", args=[template.pk]))
