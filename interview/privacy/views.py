"""The personal data pages: /account/data/ (export), /account/delete/ (erasure) and the export download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from interview.core.errors import ServiceError
from interview.privacy.selectors import export_latest, export_status
from interview.privacy.services import account_erase_self, export_download, export_request


@login_required
@require_http_methods(["GET", "POST"])
def account_data(request: HttpRequest) -> HttpResponse:
    """Show the latest export; POST asks for a new one (at most one a day)."""
    if request.method == "POST":
        try:
            export_request(user=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return render(
                request, "privacy/data.html", {"export": export_status(export_latest(request.user))}, status=429
            )
        messages.success(request, "Your export is being prepared. We will e-mail you a download link.")
        return redirect("privacy_account_data")
    return render(request, "privacy/data.html", {"export": export_status(export_latest(request.user))})


@login_required
def export_file(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: the archive for its owner, once, within 24 hours."""
    try:
        download = export_download(user=request.user, token=token)
    except ServiceError as exc:
        return render(
            request,
            "privacy/link_refused.html",
            {"message": exc.message, "code": exc.code},
            status=410 if exc.code != "invalid_link" else 404,
        )
    response = HttpResponse(download.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Confirm with the current password (or a fresh login); POST erases the account."""
    user: Any = request.user  # signed in (login_required)
    needs_password = user.has_usable_password()
    if request.method == "POST":
        try:
            account_erase_self(user=request.user, password=request.POST.get("password", ""), request=request)
        except ServiceError as exc:
            return render(
                request, "privacy/delete.html", {"error": exc.message, "needs_password": needs_password}, status=400
            )
        request.session.flush()  # not logout(): its signal would write an event naming the erased user
        request.user = AnonymousUser()
        return render(request, "privacy/deleted.html")
    return render(request, "privacy/delete.html", {"needs_password": needs_password})
