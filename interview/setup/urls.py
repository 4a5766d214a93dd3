"""Setup pages for interviewers and admins: question banks, questions, tags and interview templates."""

from django.urls import path

from interview.setup import views as setup

urlpatterns = [
    path("setup/banks/", setup.bank_list, name="bank_list"),
    path("setup/banks/new/", setup.bank_create, name="bank_create"),
    path("setup/banks/<int:bank_id>/", setup.bank_detail, name="bank_detail"),
    path("setup/banks/<int:bank_id>/edit/", setup.bank_edit, name="bank_edit"),
    path("setup/banks/<int:bank_id>/delete/", setup.bank_delete, name="bank_delete"),
    path("setup/banks/<int:bank_id>/questions/new/", setup.question_create, name="question_create"),
    path("setup/questions/", setup.question_search, name="question_list"),
    path("setup/questions/<int:question_id>/edit/", setup.question_edit, name="question_edit"),
    path("setup/questions/<int:question_id>/delete/", setup.question_delete, name="question_delete"),
    path("setup/tags/", setup.tag_list, name="tag_list"),
    path("setup/tags/<int:tag_id>/rename/", setup.tag_rename, name="tag_rename"),
    path("setup/tags/<int:tag_id>/merge/", setup.tag_merge, name="tag_merge"),
    path("setup/templates/", setup.template_list, name="template_list"),
    path("setup/templates/new/", setup.template_create, name="template_create"),
    path("setup/templates/<int:template_id>/", setup.template_detail, name="template_detail"),
    path("setup/templates/<int:template_id>/edit/", setup.template_edit, name="template_edit"),
    path("setup/templates/<int:template_id>/copy/", setup.template_copy, name="template_copy"),
    path("setup/templates/<int:template_id>/delete/", setup.template_delete, name="template_delete"),
]
