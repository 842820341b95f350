"""Judging exports: a judge's score sheet and a round's results as XLSX, and the printable jury minutes (biên bản)."""

from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from home.text import slugify_vi

from ..models import Aggregation, Assignment, Criterion, Decision, Entry, Round, Score
from ..rules import is_organiser
from ..services import judging as services
from .judging import judge_label, organiser_round

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(title, header, rows):
    # Imported here, not at the top: openpyxl weighs ~20 MiB in every worker, and only organisers export.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
    # The workbook's own metadata must not carry anyone's name either.
    workbook.properties.creator = _("Organising committee")
    workbook.properties.lastModifiedBy = _("Organising committee")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _download(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _number(value):
    return None if value is None else round(value, 3)


def results_xlsx(request, round_id):
    """The round's ranking with every aggregate; author names only in a round that is not blind."""
    round = organiser_round(request, round_id)
    method = request.GET.get("method") if request.GET.get("method") in Aggregation.values else round.aggregation
    ranking = services.rank_round(round, method=method)
    authors = {}
    if not round.is_blind:
        authors = dict(Entry.objects.filter(round_entries__round=round).values_list("pk", "author_name"))
    header = [_("Rank"), _("Entry code"), _("Entry title")]
    if not round.is_blind:
        header.append(_("Author"))
    header += [
        _("Reviews"),
        _("Mean"),
        _("Median"),
        _("Trimmed mean"),
        _("Normalised mean"),
        _("Spread"),
        _("Judges disagree"),
        _("Decision"),
    ]
    rows = []
    for row in ranking.rows:
        line = [row.rank, row.code, row.title]
        if not round.is_blind:
            line.append(authors.get(row.entry_id, ""))
        line += [
            row.reviews,
            _number(row.mean),
            _number(row.median),
            _number(row.trimmed_mean),
            _number(row.normalised_mean),
            _number(row.spread),
            _("yes") if row.disagreement else "",
            str(Decision(row.decision).label),
        ]
        rows.append(line)
    content = _workbook(_("Results"), header, rows)
    return _download(content, f"ket-qua-{slugify_vi(round.name) or round.pk}.xlsx")


def judge_sheet_xlsx(request, round_id):
    """One judge's scores in a round: the judge's own, or any judge's for organisers (`?judge=<id>`)."""
    round = get_object_or_404(Round, pk=round_id)
    judge = request.user
    if request.GET.get("judge") and str(request.GET["judge"]) != str(request.user.pk):
        if not is_organiser(request.user):
            raise PermissionDenied
        judge = get_object_or_404(get_user_model(), pk=request.GET["judge"])
    if not (request.user.has_perm("contest.judge_round", round) or is_organiser(request.user)):
        raise PermissionDenied
    criteria = list(Criterion.objects.filter(round=round).order_by("sort_order", "pk"))
    assignments = list(
        Assignment.objects.filter(round=round, judge=judge).select_related("entry", "sheet").order_by("position", "pk")
    )
    points = {
        (s["sheet__assignment_id"], s["criterion_id"]): s["points"]
        for s in Score.objects.filter(sheet__assignment__in=assignments).values(
            "sheet__assignment_id", "criterion_id", "points"
        )
    }
    header = [_("No."), _("Entry code"), _("Entry title")]
    header += [f"{c.name} (0–{c.max_points}, ×{float(c.weight):g})" for c in criteria]
    header += [_("Weighted total"), _("State"), _("Comment")]
    rows = []
    for number, assignment in enumerate(assignments, start=1):
        sheet = getattr(assignment, "sheet", None)
        values = [points.get((assignment.pk, c.pk)) for c in criteria]
        total = sum(float(v) * float(c.weight) for v, c in zip(values, criteria, strict=True) if v is not None)
        rows.append(
            [number, assignment.entry.code, assignment.entry.title, *values]
            + [
                round_total(total) if any(v is not None for v in values) else None,
                str(sheet.get_state_display()) if sheet else _("not started"),
                sheet.comment if sheet else "",
            ]
        )
    content = _workbook(_("Score sheet"), header, rows)
    return _download(content, f"phieu-cham-{slugify_vi(round.name) or round.pk}-{judge.pk}.xlsx")


def round_total(value):
    return round(value, 3)


def minutes(request, round_id):
    """The jury minutes (biên bản) to print and sign: the ranking, the decisions and every judge's name."""
    round = organiser_round(request, round_id)
    ranking = services.rank_round(round)
    authors = {}
    if not round.is_blind:
        authors = dict(Entry.objects.filter(round_entries__round=round).values_list("pk", "author_name"))
    rows = [(row, authors.get(row.entry_id, "")) for row in ranking.rows]
    judges = [judge_label(j) for j in round.judges.order_by("first_name", "last_name", "username")]
    return TemplateResponse(
        request,
        "contest/judging/minutes.html",
        {
            "round": round,
            "ranking": ranking,
            "rows": rows,
            "judges": judges,
            "advancing": sum(1 for row in ranking.rows if row.decision == Decision.ADVANCES),
            "method_label": Aggregation(ranking.method).label,
            "today": timezone.localdate(),
            "show_author": not round.is_blind,
        },
    )
