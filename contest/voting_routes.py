"""The readers' vote under an edition's page: gallery, each entry in full, its photos, voting and confirmation."""

import importlib
from urllib.parse import urlparse

from django.contrib import messages
from django.db.models import Prefetch
from django.db.models.functions import Substr
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from wagtail.contrib.routable_page.models import path

from config.middleware import client_ip

from .voting_forms import CodeForm, VoteForm

SESSION_SALT = "contest.voting.session"


class _Lazy:
    """A module imported on first use: ContestPage's module imports this one, so models cannot be imported here."""

    def __init__(self, module):
        self.module = module

    def __getattr__(self, attribute):
        return getattr(importlib.import_module(self.module, __package__), attribute)


voting_service = _Lazy(".services.voting")
contest_models = _Lazy(".models")


# What the gallery's cards read (contest/voting/gallery.html) and its order after the vote (receipt number).
GALLERY_FIELDS = (
    "id",
    "edition_id",
    "entry_id",
    "sort_order",
    "entry__id",
    "entry__title",
    "entry__subject_name",
    "entry__receipt_number",
    "entry__subject_locality__name",
)
EXCERPT_WORDS = 45
# The gallery reads only the start of each text (a finalist's text runs to thousands of words): enough characters
# for EXCERPT_WORDS words of any sensible length.
EXCERPT_CHARS = 1200


def excerpt(text, words=EXCERPT_WORDS, *, cut=False):
    """The first `words` words, as the `truncatewords` filter gives them, without splitting the whole text.

    `cut` says `text` is only the start of a longer one: its last word may be cut, and more follows.
    """
    parts = text.split(None, words)
    if len(parts) > words:
        return " ".join(parts[:words]) + " …"
    if cut:
        return " ".join(parts[:-1]) + " …"
    return " ".join(parts)


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:512]


class VotingRoutesMixin:
    """Routes of the readers' vote, mixed into ContestPage (which must also be a RoutablePageMixin)."""

    # --- The confirmed reader's signed cookie (no server session: votes stay cheap under load) ---

    def _voting_cookie_name(self):
        return f"gnt_vote_{self.pk}"

    def _session_voter(self, request, rules):
        voter_id = request.get_signed_cookie(
            self._voting_cookie_name(), default=None, salt=SESSION_SALT, max_age=rules.session_minutes * 60
        )
        if not voter_id or not voter_id.isdigit():
            return None
        return voting_service.session_voter(self, int(voter_id))

    def _remember_voter(self, request, response, rules, voter):
        response.set_signed_cookie(
            self._voting_cookie_name(),
            str(voter.pk),
            salt=SESSION_SALT,
            max_age=rules.session_minutes * 60,
            # Only this edition's pages receive it. get_url() without the request: no site lookup; it may be
            # absolute on a multi-site install, hence urlparse.
            path=urlparse(self.get_url() or "/").path,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )

    def _voting_url(self, request, name, *args):
        return self.get_url(request) + self.reverse_subpage(name, args=args)

    def _voting_context(self, request, now):
        rules = voting_service.rules_for(self)
        return {
            "rules": rules,
            "state": voting_service.voting_state(self, now),
            "counts_public": rules.counts_are_public(now),
            "gallery_url": self._voting_url(request, "voting_gallery"),
        }

    # --- Pages ---

    @path("binh-chon/", name="voting_gallery")
    def voting_gallery(self, request):
        now = timezone.now()
        context = self._voting_context(request, now)
        candidates = []
        if context["state"] in ("open", "closed"):
            photos = Prefetch(
                "entry__photos",
                queryset=contest_models.EntryPhoto.objects.only("id", "entry_id", "caption").order_by(
                    "sort_order", "pk"
                ),
            )
            # Only the columns a card shows: an entry row carries its author's details and full text otherwise.
            candidates = list(
                voting_service.open_candidates(self)
                .select_related(None)
                .select_related("entry", "entry__subject_locality")
                .only(*GALLERY_FIELDS)
                .annotate(body_start=Substr("entry__body", 1, EXCERPT_CHARS))
                .prefetch_related(photos)
            )
        counts = voting_service.vote_counts(self) if context["counts_public"] and candidates else {}
        voter = self._session_voter(request, context["rules"]) if context["state"] == "open" else None
        voted = set()
        if voter:
            window = voting_service.window_key(context["rules"], now)
            voted = set(
                contest_models.Vote.objects.filter(voter=voter, window=window).values_list("entry_id", flat=True)
            )
        base_url = self.get_url(request)
        for candidate in candidates:
            entry = candidate.entry
            candidate.read_url = base_url + self.reverse_subpage("voting_entry", args=(entry.pk,))
            candidate.excerpt = excerpt(candidate.body_start, cut=len(candidate.body_start) == EXCERPT_CHARS)
            photo = next(iter(entry.photos.all()), None)
            candidate.photo_url = (
                base_url + self.reverse_subpage("voting_photo", args=(entry.pk, photo.pk)) if photo else ""
            )
            candidate.photo_caption = photo.caption if photo else ""
            candidate.votes = counts.get(entry.pk, 0)
            candidate.voted = entry.pk in voted
        if context["state"] == "closed" and context["counts_public"]:
            candidates.sort(key=lambda c: (-c.votes, c.entry.receipt_number))
        context.update({"candidates": candidates, "voter": voter})
        return self.render(request, template="contest/voting/gallery.html", context_overrides=context)

    @path("binh-chon/<int:entry_id>/", name="voting_entry")
    def voting_entry(self, request, entry_id):
        now = timezone.now()
        context = self._voting_context(request, now)
        if context["state"] not in ("open", "closed"):
            raise Http404
        entry = voting_service.open_entry(self, entry_id, brief=request.method == "POST")
        if entry is None:
            raise Http404
        rules = context["rules"]
        voter = self._session_voter(request, rules) if context["state"] == "open" else None
        entry_url = self._voting_url(request, "voting_entry", entry.pk)
        form = VoteForm()
        if request.method == "POST":
            if voter is not None:
                try:
                    voting_service.vote_in_session(
                        edition=self, voter=voter, entry=entry, ip=client_ip(request), user_agent=user_agent(request)
                    )
                except voting_service.VotingRefused as refusal:
                    messages.error(request, refusal.message)
                else:
                    messages.success(
                        request, _("Thank you! Your vote for “%(title)s” has been counted.") % {"title": entry.title}
                    )
                return HttpResponseRedirect(entry_url)
            form = VoteForm(request.POST)
            if form.is_valid():
                try:
                    voting_service.check_rate_limits(ip=client_ip(request), email=form.cleaned_data["email"])
                    vote_request = voting_service.request_vote(
                        edition=self,
                        entry=entry,
                        email=form.cleaned_data["email"],
                        ip=client_ip(request),
                        user_agent=user_agent(request),
                        confirm_url=request.build_absolute_uri(confirm_link_url(self)),
                    )
                except voting_service.VotingRefused as refusal:
                    form.add_error(None, refusal.message)
                else:
                    return HttpResponseRedirect(
                        self._voting_url(request, "voting_confirm_code", vote_request.public_id)
                    )
        photos = list(entry.photos.order_by("sort_order", "pk"))
        for photo in photos:
            photo.url = self._voting_url(request, "voting_photo_large", entry.pk, photo.pk)
        voted = (
            voter is not None
            and contest_models.Vote.objects.filter(
                voter=voter, entry=entry, window=voting_service.window_key(rules, now)
            ).exists()
        )
        context.update(
            {
                "entry": entry,
                "photos": photos,
                "form": form,
                "voter": voter,
                "voted": voted,
                "entry_url": entry_url,
                "votes": voting_service.vote_counts(self).get(entry.pk, 0) if context["counts_public"] else None,
            }
        )
        response = self.render(request, template="contest/voting/entry.html", context_overrides=context)
        if form.errors:
            response.status_code = 400
        return response

    def _serve_photo(self, request, entry_id, photo_id, field):
        if voting_service.voting_state(self, timezone.now()) not in ("open", "closed"):
            raise Http404
        if not voting_service.is_open_to_vote(self, entry_id):
            raise Http404
        photo = get_object_or_404(contest_models.EntryPhoto, pk=photo_id, entry_id=entry_id)
        name = getattr(photo, field).name
        if not name or not getattr(photo, field).storage.exists(name):
            raise Http404
        response = FileResponse(getattr(photo, field).storage.open(name, "rb"), content_type="image/jpeg")
        response["Cache-Control"] = "public, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @path("binh-chon/<int:entry_id>/anh/<int:photo_id>/", name="voting_photo")
    def voting_photo(self, request, entry_id, photo_id):
        """An entry's photo thumbnail, public only while the entry is open to the vote."""
        return self._serve_photo(request, entry_id, photo_id, "thumbnail")

    @path("binh-chon/<int:entry_id>/anh/<int:photo_id>/lon/", name="voting_photo_large")
    def voting_photo_large(self, request, entry_id, photo_id):
        return self._serve_photo(request, entry_id, photo_id, "image")

    def _confirmed(self, request, confirmation):
        # URLs without the request: no site lookup (the confirmation is the write path under load); on a
        # multi-site install they are absolute, which a redirect and a cookie path (its path part) accept.
        entry_url = self.get_url() + self.reverse_subpage("voting_entry", args=(confirmation.vote.entry_id,))
        response = HttpResponseRedirect(entry_url)
        if confirmation.already:
            messages.info(request, _("This vote was already confirmed. It counts once."))
        else:
            # The edition the vote was just cast in holds its rules already (loaded to cast it): no second query.
            vote = confirmation.vote
            rules = voting_service.rules_for(vote.edition if vote.edition_id == self.pk else self)
            messages.success(
                request,
                _(
                    "Thank you! Your vote has been confirmed and counted. For the next %(minutes)d minutes you can "
                    "vote for other entries on this device without confirming again."
                )
                % {"minutes": rules.session_minutes},
            )
            self._remember_voter(request, response, rules, confirmation.voter)
        return response

    def _confirm_link_page(self, request, token, error=""):
        context = self._voting_context(request, timezone.now())
        context.update({"token": token, "error": error, "action": confirm_link_url(self)})
        response = self.render(request, template="contest/voting/confirm_link.html", context_overrides=context)
        # The token is in this URL: never send it to another site ("no-referrer" would make the form's Origin "null",
        # which CSRF protection rightly refuses).
        response["Referrer-Policy"] = "same-origin"
        add_never_cache_headers(response)
        return response

    @path("binh-chon/xac-nhan/", name="voting_confirm_link")
    def voting_confirm_link(self, request):
        """The link's first address, in messages mailed before confirm_vote_link: it keeps working.

        GET shows the same button page, whose form posts to the plain URL; a POST here is confirmed the same way.
        """
        if request.method == "POST":
            return confirm_vote_link(request, self.pk)
        return self._confirm_link_page(request, (request.GET.get("t") or "")[:100])

    @path("binh-chon/ma/<str:public_id>/", name="voting_confirm_code")
    def voting_confirm_code(self, request, public_id):
        vote_request = (
            contest_models.VoteRequest.objects.filter(public_id=public_id[:32], edition=self)
            .select_related("entry")
            .first()
        )
        if vote_request is None:
            raise Http404
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                confirmation = voting_service.confirm_by_code(public_id=public_id, code=form.cleaned_data["code"])
            except voting_service.VotingRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                return self._confirmed(request, confirmation)
        context = self._voting_context(request, timezone.now())
        context.update({"form": form, "entry": vote_request.entry})
        response = self.render(request, template="contest/voting/confirm_code.html", context_overrides=context)
        if form.errors:
            response.status_code = 400
        add_never_cache_headers(response)
        return response


# --- The confirmation link as a plain URL (site/config/urls.py) ---------------------------------------------------


def confirm_link_url(edition):
    return reverse("contest_vote_confirm", args=[edition.pk])


def confirm_vote_link(request, edition_id):
    """The one-time link of a vote confirmation: GET shows a button (mail scanners prefetch links), POST confirms.

    A plain Django URL rather than a route of the edition's page: the confirmation is the write path under load,
    and finding the page through Wagtail's tree cost more queries than the vote itself. The request loaded to cast
    the vote brings its edition; the page is only looked up to show the button or a refusal.
    """
    token = ((request.POST.get("t") if request.method == "POST" else request.GET.get("t")) or "")[:100]
    error = ""
    if request.method == "POST":
        try:
            confirmation = voting_service.confirm_by_token(token=token, edition_id=edition_id)
        except voting_service.VotingRefused as refusal:
            error = refusal.message
        else:
            vote = confirmation.vote
            # A vote just cast holds its edition (loaded with the request); one confirmed before is looked up.
            edition = (
                vote.edition if not confirmation.already else contest_models.ContestPage.objects.get(pk=vote.edition_id)
            )
            return edition._confirmed(request, confirmation)
    edition = contest_models.ContestPage.objects.live().filter(pk=edition_id).first()
    if edition is None:
        raise Http404
    return edition._confirm_link_page(request, token, error)
