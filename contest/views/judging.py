"""Judging screens in the admin: the judge's queue and score sheet, and the organisers' round management."""

import functools
from collections import Counter, defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms.judging import (
    AdvancementForm,
    AnonymisedTextForm,
    ConflictForm,
    DecisionForm,
    ManualAssignmentForm,
    ScoreSheetForm,
)
from ..models import (
    Aggregation,
    Assignment,
    ConflictOfInterest,
    Criterion,
    Decision,
    Entry,
    EntryPhoto,
    Round,
    RoundEntry,
    RoundState,
    ScoreChange,
    ScoreSheet,
    ScoreVisibility,
    SheetState,
)
from ..rules import assignments_for_judge, is_organiser, rounds_for_judge
from ..services import judging as services

ACTION_DRAFT, ACTION_SUBMIT, ACTION_NEXT = "draft", "submit", "next"


def forbidden_as_403(view):
    """Wagtail's admin turns PermissionDenied into a redirect home; judging answers a plain 403 instead."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return TemplateResponse(request, "contest/judging/forbidden.html", status=403)

    return wrapper


def require_organiser(request):
    if not is_organiser(request.user):
        raise PermissionDenied


def organiser_round(request, round_id):
    require_organiser(request)
    return get_object_or_404(Round.objects.select_related("edition"), pk=round_id)


def own_assignment(request, assignment_id):
    """The assignment, only for the judge it belongs to: anyone else gets 403, as the rules say."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("round", "round__edition", "entry", "entry__genre"), pk=assignment_id
    )
    if not request.user.has_perm("contest.score_assignment", assignment):
        raise PermissionDenied
    return assignment


def judge_label(user):
    return user.get_full_name() or user.get_username()


# --- Judges ---------------------------------------------------------------------------------------------------


def judging_home(request):
    """Where judging starts: a judge's rounds with progress; for organisers every round and its tools."""
    own_rounds = list(
        rounds_for_judge(request.user)
        .select_related("edition")
        .annotate(
            assigned=Count("assignments", filter=Q(assignments__judge=request.user), distinct=True),
            submitted=Count(
                "assignments",
                filter=Q(assignments__judge=request.user, assignments__sheet__state=SheetState.SUBMITTED),
                distinct=True,
            ),
        )
        .order_by("-edition__year", "order")
    )
    organiser = is_organiser(request.user)
    all_rounds = list(Round.objects.select_related("edition").order_by("-edition__year", "order")) if organiser else []
    return TemplateResponse(
        request,
        "contest/judging/home.html",
        {"own_rounds": own_rounds, "all_rounds": all_rounds, "is_organiser": organiser},
    )


def judge_queue(request, round_id):
    """A judge's own queue, in their own random order, with progress ("12 / 45"); one query for the list."""
    round = get_object_or_404(Round.objects.select_related("edition"), pk=round_id)
    if not request.user.has_perm("contest.judge_round", round):
        raise PermissionDenied
    weighted = ExpressionWrapper(
        F("sheet__scores__points") * F("sheet__scores__criterion__weight"),
        output_field=DecimalField(max_digits=12, decimal_places=3),
    )
    assignments = list(
        assignments_for_judge(request.user, round)
        .select_related("entry", "entry__genre", "sheet")
        .annotate(total=Sum(weighted))
    )
    submitted = sum(1 for a in assignments if _sheet_state(a) == SheetState.SUBMITTED)
    next_up = next((a for a in assignments if _sheet_state(a) != SheetState.SUBMITTED), None)
    return TemplateResponse(
        request,
        "contest/judging/queue.html",
        {
            "round": round,
            "assignments": [(a, _sheet_state(a)) for a in assignments],
            "submitted": submitted,
            "total": len(assignments),
            "next_up": next_up,
        },
    )


def _sheet_state(assignment):
    try:
        return assignment.sheet.state
    except ScoreSheet.DoesNotExist:
        return None


def _next_unfinished(assignment):
    """The judge's next unfinished assignment after this one in their order, wrapping round to the start."""
    queue = list(
        Assignment.objects.filter(round=assignment.round_id, judge=assignment.judge_id)
        .exclude(sheet__state=SheetState.SUBMITTED)
        .exclude(pk=assignment.pk)
        .order_by("position", "pk")
        .values_list("pk", "position")
    )
    after = [pk for pk, position in queue if (position, pk) > (assignment.position, assignment.pk)]
    return (after or [pk for pk, _position in queue] or [None])[0]


def score_sheet(request, assignment_id):
    """The judge's screen for one entry: the text (anonymised in a blind round), photos, rubric and comment."""
    assignment = own_assignment(request, assignment_id)
    round, entry = assignment.round, assignment.entry
    criteria = list(Criterion.objects.filter(round=round).order_by("sort_order", "pk"))
    sheet = ScoreSheet.objects.filter(assignment=assignment).prefetch_related("scores").first()
    initial = {"comment": sheet.comment if sheet else ""}
    if sheet:
        initial.update({f"criterion_{s.criterion_id}": s.points for s in sheet.scores.all()})
    form = ScoreSheetForm(initial=initial, criteria=criteria)
    if request.method == "POST":
        action = request.POST.get("action", ACTION_DRAFT)
        if action not in (ACTION_DRAFT, ACTION_SUBMIT, ACTION_NEXT):
            action = ACTION_DRAFT
        form = ScoreSheetForm(request.POST, criteria=criteria, submitting=action != ACTION_DRAFT)
        if not round.accepts_scores:
            messages.error(request, _("The round is not open for scoring: scores can no longer change."))
        elif form.is_valid():
            try:
                services.save_sheet(
                    assignment,
                    points=form.points(),
                    comment=form.cleaned_data["comment"],
                    submit=action != ACTION_DRAFT,
                    user=request.user,
                )
            except services.JudgingError as error:
                messages.error(request, str(error))
            else:
                if action == ACTION_DRAFT:
                    messages.success(request, _("Draft saved. You can come back to it until the round closes."))
                    return redirect("contest_judging_sheet", assignment.pk)
                messages.success(request, _("Scores for %(code)s submitted.") % {"code": entry.code})
                if action == ACTION_NEXT:
                    following = _next_unfinished(assignment)
                    if following:
                        return redirect("contest_judging_sheet", following)
                    messages.info(request, _("You have scored every entry in your queue. Thank you!"))
                return redirect("contest_judging_queue", round.pk)
        else:
            messages.error(request, _("The scores were not saved: please correct the errors below."))
    mine = list(assignments_for_judge(request.user, round).values_list("pk", "sheet__state"))
    position = next((i for i, (pk, _state) in enumerate(mine, start=1) if pk == assignment.pk), 0)
    others = []
    if round.score_visibility == ScoreVisibility.AFTER_OWN and sheet and sheet.state == SheetState.SUBMITTED:
        others = [
            total
            for judge_id, entry_id, total in services.sheet_totals_for_round(round)
            if entry_id == entry.pk and judge_id != request.user.pk
        ]
    photos = list(EntryPhoto.objects.filter(entry=entry).order_by("sort_order", "pk").values("pk", "caption"))
    return TemplateResponse(
        request,
        "contest/judging/sheet.html",
        {
            "round": round,
            "assignment": assignment,
            "entry": entry,
            "text": entry.text_for_judges if round.is_blind else entry.body,
            "show_author": not round.is_blind,
            "photos": photos,
            "form": form,
            "sheet": sheet,
            "max_total": round.max_total(criteria),
            "editable": round.accepts_scores,
            "position": position,
            "submitted": sum(1 for _pk, state in mine if state == SheetState.SUBMITTED),
            "total": len(mine),
            "others": others,
        },
    )


def declare_conflict(request, assignment_id):
    """A judge declares a conflict of interest with the entry; it leaves their queue at once."""
    assignment = own_assignment(request, assignment_id)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.declare_conflict(
            judge=request.user, entry=assignment.entry, reason=form.cleaned_data["reason"], round=assignment.round
        )
        messages.success(
            request, _("Conflict declared: %(code)s has been given to another judge.") % {"code": assignment.entry.code}
        )
        return redirect("contest_judging_queue", assignment.round_id)
    return TemplateResponse(
        request, "contest/judging/conflict.html", {"assignment": assignment, "round": assignment.round, "form": form}
    )


# --- Organisers -----------------------------------------------------------------------------------------------


def dashboard(request, round_id):
    """Each judge's progress, the distribution of totals (an SVG chart) and the round's state controls."""
    round = organiser_round(request, round_id)
    progress = list(
        Assignment.objects.filter(round=round)
        .values("judge_id", "judge__first_name", "judge__last_name", "judge__username")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(sheet__state=SheetState.SUBMITTED)),
            drafts=Count("pk", filter=Q(sheet__state=SheetState.DRAFT)),
        )
        .order_by("judge__first_name", "judge__username")
    )
    sheet_totals = services.sheet_totals_for_round(round)
    max_total = float(round.max_total())
    judge_totals = defaultdict(list)
    for judge_id, _entry_id, total in sheet_totals:
        judge_totals[judge_id].append(total)
    for row in progress:
        row["name"] = (
            " ".join(filter(None, [row["judge__first_name"], row["judge__last_name"]])) or row["judge__username"]
        )
        row["percent"] = round_percent(row["submitted"], row["total"])
        totals = judge_totals.get(row["judge_id"], [])
        row["mean"] = sum(totals) / len(totals) if totals else None
    counts = RoundEntry.objects.filter(round=round).aggregate(
        entries=Count("pk"), decided=Count("pk", filter=~Q(decision=Decision.PENDING))
    )
    assigned = sum(r["total"] for r in progress)
    submitted = sum(r["submitted"] for r in progress)
    return TemplateResponse(
        request,
        "contest/judging/dashboard.html",
        {
            "round": round,
            "progress": progress,
            "chart": distribution_chart(sheet_totals, max_total),
            "entries": counts["entries"],
            "assigned": assigned,
            "submitted": submitted,
            "percent": round_percent(submitted, assigned),
            "conflicts": ConflictOfInterest.objects.filter(entry__round_entries__round=round).count(),
            "RoundState": RoundState,
        },
    )


def round_percent(part, whole):
    return round(100 * part / whole) if whole else 0


def distribution_chart(totals, max_total, bins=10, width=560, height=200):
    """Bars of a histogram of sheet totals, laid out for a server-rendered SVG (no script, no CDN)."""
    counts = Counter()
    for _judge, _entry, total in totals:
        index = min(int(total / max_total * bins), bins - 1) if max_total else 0
        counts[index] += 1
    tallest = max(counts.values(), default=0)
    bar_width = width / bins
    bars = []
    for index in range(bins):
        count = counts.get(index, 0)
        bar_height = (height - 40) * count / tallest if tallest else 0
        low = max_total * index / bins
        bars.append(
            {
                "x": round(index * bar_width + 2, 1),
                "y": round(height - 20 - bar_height, 1),
                "width": round(bar_width - 4, 1),
                "height": round(bar_height, 1),
                "count": count,
                "label": f"{low:g}",
                "label_x": round(index * bar_width + bar_width / 2, 1),
                "label_y": height - 5,
                "count_y": round(height - 24 - bar_height, 1),
            }
        )
    return {"bars": bars, "width": width, "height": height, "sheets": len(totals), "max_total": max_total}


@require_POST
def round_action(request, round_id):
    """Organisers' buttons on the dashboard: add entries, assign, open, close."""
    round = organiser_round(request, round_id)
    action = request.POST.get("action")
    try:
        if action == "add_entries":
            added = services.add_round_entries(round, user=request.user)
            messages.success(request, _("%(count)s entries added to the round.") % {"count": added})
        elif action == "assign":
            count = services.assign_round(round, user=request.user)
            messages.success(request, _("Entries assigned: %(count)s assignments in the round.") % {"count": count})
        elif action in ("open", "close", "reopen"):
            target = {"open": RoundState.OPEN, "close": RoundState.CLOSED, "reopen": RoundState.OPEN}[action]
            services.set_round_state(round, target, user=request.user)
            messages.success(request, _("The round is now %(state)s.") % {"state": target.label})
        else:
            messages.error(request, _("Unknown action."))
    except services.JudgingError as error:
        messages.error(request, str(error))
    back = (
        "contest_judging_assignments" if request.POST.get("next_view") == "assignments" else "contest_judging_dashboard"
    )
    return redirect(back, round.pk)


def assignments(request, round_id):
    """Who reads what: each entry with its judges, each judge's load, manual additions and removals."""
    round = organiser_round(request, round_id)
    form = ManualAssignmentForm(request.POST or None, round=round)
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                assignment = get_object_or_404(Assignment, pk=request.POST["remove"], round=round)
                services.remove_assignment(assignment, user=request.user)
                messages.success(request, _("Assignment removed."))
                return redirect("contest_judging_assignments", round.pk)
            if form.is_valid():
                services.add_assignment(
                    round, judge=form.cleaned_data["judge"], entry=form.cleaned_data["entry"], user=request.user
                )
                messages.success(request, _("Assignment added."))
                return redirect("contest_judging_assignments", round.pk)
        except services.JudgingError as error:
            messages.error(request, str(error))
    readers = defaultdict(list)
    loads = Counter()
    for assignment in Assignment.objects.filter(round=round).select_related("judge", "sheet").order_by("judge_id"):
        readers[assignment.entry_id].append((assignment, _sheet_state(assignment)))
        loads[judge_label(assignment.judge)] += 1
    rows = [
        (entry_id, code, title, readers.get(entry_id, []))
        for entry_id, code, title in RoundEntry.objects.filter(round=round).values_list(
            "entry_id", "entry__code", "entry__title"
        )
    ]
    return TemplateResponse(
        request,
        "contest/judging/assignments.html",
        {
            "round": round,
            "rows": rows,
            "loads": sorted(loads.items()),
            "form": form,
            "short": [r for r in rows if len(r[3]) < round.reviews_required],
            "editable": round.state in (RoundState.SET_UP, RoundState.OPEN),
        },
    )


def ranking(request, round_id):
    """The round's ranking by the chosen method, with advancement, release and finalising."""
    round = organiser_round(request, round_id)
    method = request.GET.get("method") or round.aggregation
    if method not in Aggregation.values:
        method = round.aggregation
    form = AdvancementForm(
        request.POST or None,
        initial={"method": method, "rule": round.advancement_rule, "value": round.advancement_value},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draft":
                if form.is_valid():
                    advancing = services.draft_decisions(
                        round,
                        rule=form.cleaned_data["rule"],
                        value=form.cleaned_data["value"],
                        method=form.cleaned_data["method"],
                        user=request.user,
                    )
                    messages.success(
                        request,
                        _("Decisions drafted: %(count)s entries advance. Nobody is told until you release them.")
                        % {"count": advancing},
                    )
                    return redirect(
                        f"{reverse('contest_judging_ranking', args=[round.pk])}?method={form.cleaned_data['method']}"
                    )
                messages.error(request, _("Check the advancement settings below."))
            elif action == "decision":
                decision_form = DecisionForm(request.POST)
                if decision_form.is_valid():
                    round_entry = get_object_or_404(
                        RoundEntry, pk=decision_form.cleaned_data["round_entry"], round=round
                    )
                    services.set_decision(
                        round_entry, decision=decision_form.cleaned_data["decision"], user=request.user
                    )
                    messages.success(request, _("Decision changed."))
                return redirect("contest_judging_ranking", round.pk)
            elif action == "release":
                advancing = services.release_decisions(round, user=request.user)
                messages.success(
                    request,
                    _("Decisions released: %(count)s entries advance; authors are being told.") % {"count": advancing},
                )
                return redirect("contest_judging_ranking", round.pk)
            elif action == "finalise":
                services.finalise_round(round, user=request.user)
                messages.success(request, _("The round is finalised and locked."))
                return redirect("contest_judging_ranking", round.pk)
        except services.JudgingError as error:
            messages.error(request, str(error))
    result = services.rank_round(round, method=method)
    return TemplateResponse(
        request,
        "contest/judging/ranking.html",
        {
            "round": round,
            "ranking": result,
            "method": method,
            "methods": Aggregation.choices,
            "form": form,
            "can_decide": round.state == RoundState.CLOSED and not round.decisions_released_at,
            "can_release": round.state == RoundState.CLOSED and not round.decisions_released_at,
            "can_finalise": round.state == RoundState.CLOSED and bool(round.decisions_released_at),
            "Decision": Decision,
            "decided": any(row.decision != Decision.PENDING for row in result.rows),
        },
    )


def conflicts(request):
    """Every declared conflict of interest, newest first, for the organisers."""
    require_organiser(request)
    declared = ConflictOfInterest.objects.select_related("judge", "entry", "round").order_by("-declared_at")
    return TemplateResponse(request, "contest/judging/conflicts.html", {"conflicts": declared})


def anonymise_entry(request, round_id, entry_id):
    """Organisers edit the anonymised copy of an entry's text where the author named themselves."""
    round = organiser_round(request, round_id)
    entry = get_object_or_404(Entry, pk=entry_id, round_entries__round=round)
    form = AnonymisedTextForm(request.POST or None, initial={"text": entry.anonymised_body or entry.body})
    if request.method == "POST" and form.is_valid():
        services.set_anonymised_text(entry, text=form.cleaned_data["text"], user=request.user)
        messages.success(request, _("The anonymised text of %(code)s is saved.") % {"code": entry.code})
        return redirect("contest_judging_assignments", round.pk)
    return TemplateResponse(request, "contest/judging/anonymise.html", {"round": round, "entry": entry, "form": form})


def score_history(request, round_id):
    """Every score change in the round (who, when, from what to what), newest first, 100 to a page."""
    round = organiser_round(request, round_id)
    changes = (
        ScoreChange.objects.filter(round=round)
        .select_related("entry", "judge", "criterion", "changed_by")
        .order_by("-changed_at", "-pk")
    )
    page = Paginator(changes, 100).get_page(request.GET.get("p"))
    return TemplateResponse(request, "contest/judging/history.html", {"round": round, "page": page})
