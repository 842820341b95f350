"""The public results page of an edition (`/cuoc-thi/<year>/ket-qua/`): nothing shows until organisers release."""

from django.db.models import Count, Q
from django.template.response import TemplateResponse

from wagtail.contrib.routable_page.models import path

from ..statuses import EntryStatus


class ResultsRoutesMixin:
    """Mixed into ContestPage: the results sub-page."""

    @path("ket-qua/", name="results")
    def results_view(self, request):
        from exemplar_pages.models import ExemplarPage

        from ..models import Award, ResultsRelease  # the models module imports this mixin
        from ..services.voting import readers_choice

        release = ResultsRelease.objects.filter(edition=self).first()
        context = self.get_context(request)
        context["release"] = release
        if release is not None:
            awards = list(
                Award.objects.filter(tier__edition=self, released_at__isnull=False)
                .select_related("tier", "entry", "entry__subject_locality")
                .order_by("tier__sort_order", "slot")
            )
            stories = {
                story.source_entry_id: story
                for story in ExemplarPage.objects.live()
                .public()
                .filter(source_entry_id__in=[award.entry_id for award in awards])
                .only("pk", "url_path", "source_entry_id")
            }
            readers = [row for row in readers_choice(self) if row["wins"]]
            votes = {row["entry"].pk: row["votes"] for row in readers}
            tiers = {}
            for award in awards:
                story = stories.get(award.entry_id)
                award.story_url = story.get_url(request) if story is not None else ""
                award.votes = votes.get(award.entry_id) if award.tier.is_readers_choice else None
                tiers.setdefault(award.tier, []).append(award)
            context["readers_choice"] = readers
            context["tiers"] = list(tiers.items())
            context["numbers"] = self.entries.aggregate(
                entries=Count("pk", filter=~Q(status=EntryStatus.WITHDRAWN)),
                eligible=Count(
                    "pk", filter=Q(status__in=[EntryStatus.ELIGIBLE, EntryStatus.FINALIST, EntryStatus.AWARDED])
                ),
                finalists=Count("pk", filter=Q(status__in=[EntryStatus.FINALIST, EntryStatus.AWARDED])),
            )
        return TemplateResponse(request, "contest/results.html", context)
