"""Admin action that turns an awarded or finalist entry into a draft exemplar story (organisers only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.log_actions import LogFormatter

from ..models import Entry
from ..services import publication as publication_services


@require_POST
def publish_as_story_view(request, entry_id):
    if not request.user.has_perm("contest.publish_entry_as_story"):
        raise PermissionDenied
    entry = get_object_or_404(Entry, pk=entry_id)
    try:
        page = publication_services.publish_entry_as_story(entry, user=request.user)
    except publication_services.PublicationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("contest_awards:awards", edition_id=entry.edition_id)
    messages.success(
        request,
        _("The story “%(title)s” was drafted and sent for moderation; an editor approves and publishes it.")
        % {"title": page.title},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("register_admin_urls")
def register_publication_urls():
    urls = [path("entries/<int:entry_id>/publish/", publish_as_story_view, name="publish")]
    return [path("contest/publication/", include((urls, "contest_publication"), namespace="contest_publication"))]


@hooks.register("register_log_actions")
def register_publication_log_actions(actions):
    @actions.register_action(publication_services.PUBLISHED_AS_STORY)
    class PublishedAsStory(LogFormatter):
        label = gettext_lazy("Entry made into an exemplar story")

        def format_message(self, log_entry):
            return _("Drafted as the exemplar story “%(title)s”") % {"title": log_entry.data.get("title", "")}


def story_links(entries):
    """{entry_id: admin edit URL of its story} for the given entries, in one query."""
    from exemplar_pages.models import ExemplarPage

    ids = [entry.pk for entry in entries]
    return {
        source_id: reverse("wagtailadmin_pages:edit", args=[page_id])
        for page_id, source_id in ExemplarPage.objects.filter(source_entry_id__in=ids).values_list(
            "pk", "source_entry_id"
        )
    }
