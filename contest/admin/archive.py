"""Admin screens for closing an edition: download its archive, restore an archive (organisers only, audited)."""

import tempfile

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..models import ContestPage
from ..rules import is_organiser
from ..services import archive as archive_services
from . import ContestMenuItem


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=gettext_lazy("Archive (ZIP)"),
        help_text=gettext_lazy("A file made by “Export archive” on this or another site of the contest."),
    )


class ArchiveView(WagtailAdminTemplateMixin, FormView):
    """The editions with their export button (once closed), and the form that restores an archive."""

    template_name = "contest/archive/index.html"
    form_class = ImportForm
    page_title = gettext_lazy("Edition archives")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("contest.archive_edition"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["editions"] = ContestPage.objects.order_by("-year", "-pk").select_related("results_release")
        return context

    def form_valid(self, form):
        if not self.request.user.has_perm("contest.import_edition_archive"):
            raise PermissionDenied
        try:
            edition = archive_services.import_edition(form.cleaned_data["archive"], user=self.request.user)
        except archive_services.ArchiveError as refusal:
            messages.error(self.request, _("The archive was not restored: %(reason)s") % {"reason": refusal})
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(self.request, _("The edition “%(title)s” was restored.") % {"title": edition.title})
        return redirect("contest_archive:index")


def export_view(request, edition_id):
    """Stream the edition's archive; the ZIP is built in a temporary file so photos never fill the memory."""
    if not request.user.has_perm("contest.archive_edition"):
        raise PermissionDenied
    # Checked after the permission, so people without it learn nothing about the URL (and it is audited: POST only).
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    edition = get_object_or_404(ContestPage, pk=edition_id)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when the download ends)
    try:
        archive_services.export_edition(edition, to=spool, user=request.user)
    except archive_services.ArchiveError as refusal:
        spool.close()
        messages.error(request, str(refusal))
        return redirect("contest_archive:index")
    spool.seek(0)
    filename = f"luu-tru-{edition.slug}-{edition.year}.zip"
    return FileResponse(spool, as_attachment=True, filename=filename, content_type="application/zip")


@hooks.register("register_admin_urls")
def register_archive_urls():
    urls = [
        path("", ArchiveView.as_view(), name="index"),
        path("<int:edition_id>/export/", export_view, name="export"),
    ]
    return [path("contest/archive/", include((urls, "contest_archive"), namespace="contest_archive"))]


@hooks.register("register_contest_menu_item")
def register_archive_menu_item():
    return ContestMenuItem(
        gettext_lazy("Edition archives"),
        reverse("contest_archive:index"),
        icon_name="download",
        order=900,
        predicate=is_organiser,
    )


@hooks.register("register_log_actions")
def register_archive_log_actions(actions):
    actions.register_action(
        archive_services.EXPORTED, gettext_lazy("Export archive"), gettext_lazy("Exported the edition's archive")
    )
    actions.register_action(
        archive_services.IMPORTED, gettext_lazy("Restore archive"), gettext_lazy("Restored the edition from an archive")
    )
