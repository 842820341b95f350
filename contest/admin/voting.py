"""Admin for the readers' vote: rules, entries open to the vote, the audit (chart, suspicious patterns), the ledger."""

import csv
import datetime
from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from home.fields import ModelChoiceField, ModelMultipleChoiceField

from ..models import ContestPage, Entry, Vote, Voter, VotingCandidate, VotingRules
from ..roles import ORGANISERS
from ..rules import can_manage_voting
from ..services import voting as voting_service
from ..services.voting import CANDIDATE_ADDED, VOTE_INVALIDATED
from . import ContestMenuItem

LEDGER_PAGE_SIZE = 100


class OrganiserPolicy(BasePermissionPolicy):
    """Organisers (and superusers) may do everything with the voting models; nobody else may do anything."""

    def user_has_permission(self, user, action):
        return can_manage_voting(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(Q(is_superuser=True) | Q(groups__name=ORGANISERS), is_active=True)


register_permission_policy(VotingRules, OrganiserPolicy(VotingRules))
register_permission_policy(VotingCandidate, OrganiserPolicy(VotingCandidate))


class VotingRulesViewSet(ModelViewSet):
    model = VotingRules
    icon = "list-ul"
    add_to_admin_menu = False
    url_prefix = "contest/voting-rules"
    menu_label = _("Voting rules")
    list_display = ["edition", "per_entry", "max_entries_per_voter", "counts_visibility", "session_minutes"]
    inspect_view_enabled = False


class VotingCandidateViewSet(ModelViewSet):
    model = VotingCandidate
    icon = "doc-full"
    add_to_admin_menu = False
    url_prefix = "contest/voting-entries"
    menu_label = _("Entries open to the vote")
    form_fields = ["edition", "entry", "is_open_to_vote", "sort_order"]
    list_display = ["entry", "edition", "is_open_to_vote", "sort_order"]
    list_filter = ["edition", "is_open_to_vote"]
    inspect_view_enabled = False


voting_rules_viewset = VotingRulesViewSet("contest_voting_rules")
voting_candidate_viewset = VotingCandidateViewSet("contest_voting_candidates")


@hooks.register("register_admin_viewset")
def register_voting_viewsets():
    return [voting_rules_viewset, voting_candidate_viewset]


@hooks.register("register_contest_menu_item")
def register_voting_audit_menu_item():
    return ContestMenuItem(
        _("Readers' vote"), reverse("contest_voting_overview"), icon_name="tick", order=600, predicate=can_manage_voting
    )


@hooks.register("register_contest_menu_item")
def register_voting_rules_menu_item():
    return ContestMenuItem(
        _("Voting rules"),
        reverse(voting_rules_viewset.get_url_name("index")),
        icon_name="list-ul",
        order=610,
        predicate=can_manage_voting,
    )


@hooks.register("register_contest_menu_item")
def register_voting_candidates_menu_item():
    return ContestMenuItem(
        _("Entries open to the vote"),
        reverse(voting_candidate_viewset.get_url_name("index")),
        icon_name="doc-full",
        order=620,
        predicate=can_manage_voting,
    )


@hooks.register("register_log_actions")
def register_voting_log_actions(actions):
    @actions.register_action(VOTE_INVALIDATED)
    class VoteInvalidated(LogFormatter):
        label = _("Invalidate vote")

        def format_message(self, log_entry):
            return _("Invalidated the vote")

        def format_comment(self, log_entry):
            return (log_entry.data or {}).get("reason", "")

    actions.register_action(CANDIDATE_ADDED, _("Open entry to the vote"), _("Opened the entry to the readers' vote"))


# --- Audit views --------------------------------------------------------------------------------------------------


def organisers_only(view):
    def wrapped(request, *args, **kwargs):
        if not can_manage_voting(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def sliding_bursts(rows, *, threshold, minutes):
    """Groups with at least `threshold` events inside `minutes`: rows are (key, time) sorted by key then time.

    Returns [{key, count, start, end}], the densest window per key, densest first.
    """
    span = datetime.timedelta(minutes=minutes)
    by_key = defaultdict(list)
    for key, moment in rows:
        if key:
            by_key[key].append(moment)
    found = []
    for key, moments in by_key.items():
        best, start = None, 0
        for end in range(len(moments)):
            while moments[end] - moments[start] > span:
                start += 1
            size = end - start + 1
            if size >= threshold and (best is None or size > best["count"]):
                best = {"key": key, "count": size, "start": moments[start], "end": moments[end]}
        if best:
            found.append(best)
    return sorted(found, key=lambda item: -item["count"])


def suspicious_patterns(edition):
    """The audit's three signals, from settings VOTE_AUDIT_* (thresholds and minutes)."""
    setting = voting_service.setting
    network_votes = sliding_bursts(
        Vote.objects.filter(edition=edition, is_valid=True)
        .exclude(network_hash="")
        .order_by("network_hash", "cast_at")
        .values_list("network_hash", "cast_at"),
        threshold=setting("VOTE_AUDIT_NETWORK_VOTES", 10),
        minutes=setting("VOTE_AUDIT_NETWORK_MINUTES", 10),
    )
    domain_bursts = sliding_bursts(
        Voter.objects.filter(edition=edition)
        .order_by("email_domain", "created_at")
        .values_list("email_domain", "created_at"),
        threshold=setting("VOTE_AUDIT_DOMAIN_VOTERS", 10),
        minutes=setting("VOTE_AUDIT_DOMAIN_MINUTES", 10),
    )
    agents = list(
        Vote.objects.filter(edition=edition, is_valid=True)
        .exclude(user_agent_hash="")
        .values("user_agent_hash")
        .annotate(votes=Count("pk"), voters=Count("voter", distinct=True))
        .filter(voters__gte=setting("VOTE_AUDIT_AGENT_VOTERS", 20))
        .order_by("-voters")[:20]
    )
    return {"networks": network_votes, "domains": domain_bursts, "agents": agents}


def votes_chart(edition, rows):
    """A server-rendered chart: one line per entry of its cumulative valid votes per day (SVG coordinates)."""
    daily = (
        Vote.objects.filter(edition=edition, is_valid=True)
        .annotate(day=TruncDate("cast_at"))
        .values("entry_id", "day")
        .annotate(votes=Count("pk"))
        .order_by("day")
    )
    days, per_entry = [], defaultdict(dict)
    for item in daily:
        if item["day"] not in days:
            days.append(item["day"])
        per_entry[item["entry_id"]][item["day"]] = item["votes"]
    width, height, margin = 720, 260, 40
    if not days:
        return None
    top = max(sum(counts.values()) for counts in per_entry.values()) or 1
    step = (width - 2 * margin) / max(len(days) - 1, 1)
    palette = ["#8a1c1c", "#0b5c3b", "#1d4e89", "#7a4b00", "#5b2a86", "#00606b", "#6b6b00", "#a3324a"]
    lines = []
    for index, row in enumerate(rows[:8]):
        total, points = 0, []
        for position, day in enumerate(days):
            total += per_entry.get(row["entry"].pk, {}).get(day, 0)
            x = margin + position * step
            y = height - margin - (height - 2 * margin) * total / top
            points.append(f"{x:.1f},{y:.1f}")
        lines.append({"entry": row["entry"], "points": " ".join(points), "colour": palette[index % len(palette)]})
    labels = [{"x": margin + position * step, "text": day.strftime("%d/%m")} for position, day in enumerate(days)]
    return {
        "width": width,
        "height": height,
        "margin": margin,
        "lines": lines,
        "labels": labels,
        "top": top,
        "baseline": height - margin,
        "right": width - margin,
    }


@organisers_only
def overview(request):
    editions = ContestPage.objects.order_by("-year", "-pk").annotate(
        valid_votes=Count("votes", filter=Q(votes__is_valid=True), distinct=True),
        invalid_votes=Count("votes", filter=Q(votes__is_valid=False), distinct=True),
    )
    return TemplateResponse(request, "contest/voting/admin/overview.html", {"editions": editions})


@organisers_only
def audit(request, edition_id):
    edition = get_object_or_404(ContestPage, pk=edition_id)
    rows = voting_service.readers_choice(edition)
    context = {
        "edition": edition,
        "rows": rows,
        "chart": votes_chart(edition, rows),
        "patterns": suspicious_patterns(edition),
        "state": voting_service.voting_state(edition, timezone.now()),
        "finalists_waiting": Entry.objects.filter(
            edition=edition, status="finalist", voting_candidate__isnull=True
        ).count(),
        "totals": Vote.objects.filter(edition=edition).aggregate(
            valid=Count("pk", filter=Q(is_valid=True)), invalid=Count("pk", filter=Q(is_valid=False))
        ),
    }
    return TemplateResponse(request, "contest/voting/admin/audit.html", context)


@require_POST
@organisers_only
def open_finalists(request, edition_id):
    edition = get_object_or_404(ContestPage, pk=edition_id)
    added = voting_service.open_finalists_to_vote(edition=edition, user=request.user)
    messages.success(
        request,
        ngettext("%(count)d finalist opened to the vote.", "%(count)d finalists opened to the vote.", added)
        % {"count": added},
    )
    return HttpResponseRedirect(reverse("contest_voting_audit", args=[edition.pk]))


class LedgerFilter(forms.Form):
    entry = ModelChoiceField(queryset=Entry.objects.none(), required=False, label=_("Entry"))
    valid = forms.ChoiceField(
        choices=[("", _("All")), ("1", _("Valid")), ("0", _("Invalidated"))], required=False, label=_("Validity")
    )
    network = forms.CharField(required=False, max_length=64, label=_("Network (hash)"))
    agent = forms.CharField(required=False, max_length=64, label=_("Browser (hash)"))
    domain = forms.CharField(required=False, max_length=253, label=_("E-mail domain"))

    def __init__(self, edition, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = Entry.objects.filter(edition=edition).order_by("receipt_number")

    def filter(self, votes):
        if not self.is_valid():
            return votes
        data = self.cleaned_data
        if data["entry"]:
            votes = votes.filter(entry=data["entry"])
        if data["valid"]:
            votes = votes.filter(is_valid=data["valid"] == "1")
        if data["network"]:
            votes = votes.filter(network_hash=data["network"])
        if data["agent"]:
            votes = votes.filter(user_agent_hash=data["agent"])
        if data["domain"]:
            votes = votes.filter(voter__email_domain=data["domain"].lower())
        return votes


class InvalidateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason: it is recorded with each vote and in the history.")},
    )
    votes = ModelMultipleChoiceField(queryset=Vote.objects.none(), required=False)
    everything_filtered = forms.BooleanField(required=False, label=_("Every valid vote matching the filter"))

    def __init__(self, edition, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["votes"].queryset = Vote.objects.filter(edition=edition)


def ledger_votes(edition):
    return (
        Vote.objects.filter(edition=edition)
        .select_related("entry", "voter", "invalidated_by")
        .order_by("-cast_at", "-pk")
    )


@organisers_only
def ledger(request, edition_id):
    edition = get_object_or_404(ContestPage, pk=edition_id)
    filters = LedgerFilter(edition, request.GET or None)
    votes = filters.filter(ledger_votes(edition))
    form = InvalidateForm(edition)
    if request.method == "POST":
        form = InvalidateForm(edition, request.POST)
        if form.is_valid():
            chosen = [vote.pk for vote in form.cleaned_data["votes"]]
            if form.cleaned_data["everything_filtered"]:
                chosen = list(votes.filter(is_valid=True).values_list("pk", flat=True))
            if not chosen:
                form.add_error(None, _("Choose at least one vote."))
            else:
                changed = voting_service.invalidate_votes(
                    vote_ids=chosen, user=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    ngettext("%(count)d vote invalidated.", "%(count)d votes invalidated.", changed)
                    % {"count": changed},
                )
                return HttpResponseRedirect(request.get_full_path())
    page = Paginator(votes, LEDGER_PAGE_SIZE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    context = {"edition": edition, "filters": filters, "form": form, "page": page, "query": query.urlencode()}
    return TemplateResponse(request, "contest/voting/admin/ledger.html", context)


class Echo:
    def write(self, value):
        return value


@organisers_only
def ledger_csv(request, edition_id):
    """The full ledger, streamed: every vote, valid or not, with pseudonymous voter and hashed network data."""
    edition = get_object_or_404(ContestPage, pk=edition_id)
    writer = csv.writer(Echo())
    header = [
        "vote_id",
        "cast_at",
        "entry_code",
        "entry_title",
        "voter_id",
        "email_domain",
        "window",
        "confirmed_by",
        "ip_hash",
        "network_hash",
        "user_agent_hash",
        "is_valid",
        "invalidated_at",
        "invalidated_by",
        "invalidation_reason",
    ]

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for vote in ledger_votes(edition).order_by("cast_at", "pk").iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    vote.pk,
                    timezone.localtime(vote.cast_at).isoformat(),
                    vote.entry.code,
                    vote.entry.title,
                    vote.voter_id,
                    vote.voter.email_domain,
                    vote.window,
                    "email" if vote.request_id else "session",
                    vote.ip_hash,
                    vote.network_hash,
                    vote.user_agent_hash,
                    int(vote.is_valid),
                    timezone.localtime(vote.invalidated_at).isoformat() if vote.invalidated_at else "",
                    vote.invalidated_by.get_username() if vote.invalidated_by else "",
                    vote.invalidation_reason,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="phieu-binh-chon-{edition.year}.csv"'
    return response


@hooks.register("register_admin_urls")
def register_voting_admin_urls():
    return [
        path("contest/voting/", overview, name="contest_voting_overview"),
        path("contest/voting/<int:edition_id>/", audit, name="contest_voting_audit"),
        path("contest/voting/<int:edition_id>/finalists/", open_finalists, name="contest_voting_open_finalists"),
        path("contest/voting/<int:edition_id>/votes/", ledger, name="contest_voting_ledger"),
        path("contest/voting/<int:edition_id>/votes.csv", ledger_csv, name="contest_voting_ledger_csv"),
    ]
