"""The public results page of an edition (`/cuoc-thi/<year>/ket-qua/`): nothing shows until organisers release."""

from django.db.models import Count, Q
from django.template.response import TemplateResponse

from wagtail.contrib.routable_page.models import path

from ..statuses import EntryStatus


class ResultsRoutesMixin:
    """Mixed into ContestPage: the results sub-page."""

    @path("ket-qua/", name="results")
    def results_view(self, request):
        from ..models import Award, ResultsRelease  # the models module imports this mixin

        release = ResultsRelease.objects.filter(edition=self).first()
        context = self.get_context(request)
        context["release"] = release
        if release is not None:
            awards = list(
                Award.objects.filter(tier__edition=self, released_at__isnull=False)
                .select_related("tier", "entry", "entry__subject_locality")
                .order_by("tier__sort_order", "slot")
            )
            tiers = {}
            for award in awards:
                tiers.setdefault(award.tier, []).append(award)
            context["tiers"] = list(tiers.items())
            context["numbers"] = self.entries.aggregate(
                entries=Count("pk", filter=~Q(status=EntryStatus.WITHDRAWN)),
                eligible=Count(
                    "pk", filter=Q(status__in=[EntryStatus.ELIGIBLE, EntryStatus.FINALIST, EntryStatus.AWARDED])
                ),
                finalists=Count("pk", filter=Q(status__in=[EntryStatus.FINALIST, EntryStatus.AWARDED])),
            )
        return TemplateResponse(request, "contest/results.html", context)
