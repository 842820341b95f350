"""Public views of an edition, reached through ContestPage routes: send an entry, thank-you, private status page."""

import hashlib
import hmac
import logging

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from wagtail.models import ModelLogEntry

from config.middleware import client_ip

from ..forms.submission import AmendForm, SubmissionForm
from ..models import EntryPhoto, Phase
from ..rules import can_view_entry, is_organiser
from ..services.status import STATUS_CHANGED
from ..services.submission import (
    AMENDED,
    SUBMITTED,
    StaleAmendment,
    SubmissionRefused,
    amend_entry,
    entry_for_token,
    status_url,
    submit_entry,
    withdraw_entry,
)
from ..statuses import EntryStatus

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 3600
SESSION_RECEIPT = "contest_receipt"
# What an author sees of the lifecycle; later steps (finalist, awarded) stay internal until results are out.
AUTHOR_STATUSES = {EntryStatus.SUBMITTED, EntryStatus.WITHDRAWN, EntryStatus.ELIGIBLE, EntryStatus.INELIGIBLE}


def _private(response):
    """A page opened by a secret link: never cached, never indexed, the link never leaks to another site.

    "same-origin", not "no-referrer": with no referrer at all browsers send `Origin: null` on the page's own
    forms and Django's CSRF check refuses them.
    """
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _client_key(request):
    # Keyed hash: the cache never holds a reader's IP address (personal data) in clear.
    address = client_ip(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"contest:submit-rate:{digest}"


def _rate_limited(request):
    """Count this POST against the address's hourly allowance; True when it is used up."""
    limit = settings.CONTEST_SUBMISSIONS_PER_HOUR
    key = _client_key(request)
    cache.add(key, 0, RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        count = 1
    return count > limit


def _files_note(request, form):
    if request.FILES:
        form.add_error(
            None,
            _(
                "Nothing you typed is lost, but for your safety the browser does not keep chosen files: "
                "please choose your photos and original file again before sending."
            ),
        )


def _server_fault(form):
    """A database or disk failure on our side: the service saved nothing, so the author may simply send again."""
    logger.exception("Saving an entry failed on a server fault")
    form.add_error(
        None,
        _(
            "We could not save your entry because of a fault on our server. Nothing was saved; "
            "please send it again in a few minutes."
        ),
    )


def submit(request, edition):
    phase = edition.phase()
    fault = False
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES, edition=edition)
        if _rate_limited(request):
            form.is_valid()
            form.add_error(None, _("Too many attempts from your connection; please try again in an hour."))
        elif phase != Phase.SUBMISSION:
            form.is_valid()
            form.add_error(None, _("This edition is not accepting entries now."))
        elif form.is_valid():
            try:
                entry, token = submit_entry(
                    edition=edition,
                    data=form.entry_data(),
                    photos=form.processed_photos,
                    original=form.cleaned_data.get("original"),
                    original_extension=form.original_extension,
                    key=form.cleaned_data["submission_key"],
                )
            except SubmissionRefused as refused:
                form.add_error(refused.field, refused.message)
            except (DatabaseError, OSError):
                _server_fault(form)
                fault = True
            else:
                receipt = {"code": entry.code, "title": entry.title, "email": entry.author_email}
                if token:
                    receipt["status_url"] = status_url(entry, token)
                request.session[SESSION_RECEIPT] = receipt
                return HttpResponseRedirect(edition.url + edition.reverse_subpage("thank_you"))
        if form.errors:
            _files_note(request, form)
    else:
        form = SubmissionForm(edition=edition)
    response = edition.render(
        request,
        template="contest/submission_form.html",
        context_overrides={"form": form, "phase": phase, "is_open": phase == Phase.SUBMISSION},
    )
    if fault:
        response.status_code = 503
    add_never_cache_headers(response)
    return response


def thank_you(request, edition):
    receipt = request.session.get(SESSION_RECEIPT)
    if not receipt:
        return HttpResponseRedirect(edition.url)
    response = edition.render(request, template="contest/thank_you.html", context_overrides={"receipt": receipt})
    return _private(response)


def _opened_entry(request, edition, token):
    entry = entry_for_token(token, edition=edition)
    if entry is None:
        raise Http404
    entry._opened_with_token = True
    if not can_view_entry(request.user, entry):
        raise PermissionDenied
    return entry


def status_history(entry):
    """The entry's history as its author may read it: sending, amendments and author-visible status changes."""
    history = []
    logs = ModelLogEntry.objects.filter(
        content_type__app_label="contest",
        content_type__model="entry",
        object_id=str(entry.pk),
        action__in=[SUBMITTED, AMENDED, STATUS_CHANGED],
    ).order_by("timestamp", "pk")
    for log in logs:
        data = log.data or {}
        if log.action == SUBMITTED:
            history.append({"when": log.timestamp, "text": _("Entry received with code %(code)s") % data})
        elif log.action == AMENDED:
            history.append({"when": log.timestamp, "text": _("Amended (version %(version)s)") % data})
        elif data.get("to") in AUTHOR_STATUSES:
            item = {"when": log.timestamp, "text": _("Status: %(status)s") % {"status": EntryStatus(data["to"]).label}}
            if data["to"] == EntryStatus.INELIGIBLE:
                item["reason"] = data.get("reason", "")
            history.append(item)
    return history


def author_status(entry):
    if entry.status in AUTHOR_STATUSES or entry.edition.phase() == Phase.RESULTS:
        return EntryStatus(entry.status)
    return EntryStatus.ELIGIBLE


def entry_status(request, edition, token):
    entry = _opened_entry(request, edition, token)
    can_change = entry.status in {EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE} and edition.is_accepting_entries()
    context = {
        "entry": entry,
        "token": token,
        "shown_status": author_status(entry),
        "history": status_history(entry),
        "photos": list(entry.photos.all()),
        "versions": list(entry.versions.all()),
        "can_change": can_change,
        "genre": entry.genre,
    }
    response = edition.render(request, template="contest/entry_status.html", context_overrides=context)
    return _private(response)


def amend(request, edition, token):
    entry = _opened_entry(request, edition, token)
    back = edition.url + edition.reverse_subpage("entry_status", args=[token])
    if request.method == "POST":
        form = AmendForm(request.POST, request.FILES, instance=entry, edition=edition)
        if form.is_valid():
            try:
                amend_entry(
                    entry=entry,
                    data=form.entry_data(),
                    photos=form.processed_photos or None,
                    note=form.cleaned_data.get("note", ""),
                    base_version=form.cleaned_data["base_version"],
                )
            except StaleAmendment as stale:
                latest = entry.versions.order_by("-number").first()
                if latest and (latest.title, latest.body) == (form.cleaned_data["title"], form.cleaned_data["body"]):
                    # The same change sent twice (a double click): the first request already saved it.
                    messages.success(request, _("Your changes are saved as a new version."))
                    return _private(HttpResponseRedirect(back))
                form.add_error(None, stale.message)
            except SubmissionRefused as refused:
                form.add_error(refused.field, refused.message)
            except (DatabaseError, OSError):
                _server_fault(form)
            else:
                messages.success(request, _("Your changes are saved as a new version."))
                return _private(HttpResponseRedirect(back))
        _files_note(request, form)
    else:
        form = AmendForm(instance=entry, edition=edition)
    response = edition.render(
        request,
        template="contest/entry_amend.html",
        context_overrides={"entry": entry, "form": form, "token": token, "back_url": back},
    )
    return _private(response)


def withdraw(request, edition, token):
    entry = _opened_entry(request, edition, token)
    back = edition.url + edition.reverse_subpage("entry_status", args=[token])
    if request.method == "POST":
        try:
            withdraw_entry(entry=entry)
        except SubmissionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Your entry has been withdrawn."))
        return _private(HttpResponseRedirect(back))
    response = edition.render(
        request,
        template="contest/entry_withdraw.html",
        context_overrides={"entry": entry, "token": token, "back_url": back},
    )
    return _private(response)


def stream_private_file(field_file, *, download_name=None):
    """Stream a file from private storage to someone already allowed to see it."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=bool(download_name), filename=download_name or "")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _private(response)


def entry_photo(request, edition, token, photo_id, size="full"):
    entry = _opened_entry(request, edition, token)
    photo = get_object_or_404(EntryPhoto, pk=photo_id, entry=entry)
    return stream_private_file(photo.thumbnail if size == "thumb" else photo.image)


def organiser_file(request, entry, field_file, download_name=None):
    """Organisers' access to an entry's files; everyone else is refused."""
    if not is_organiser(request.user):
        raise PermissionDenied
    return stream_private_file(field_file, download_name=download_name)
