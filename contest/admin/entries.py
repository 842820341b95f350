"""Organisers' admin for entries: list per edition with filters and search, full view, exports, screening."""

import django_filters

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import InspectView
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView as SnippetChooseResultsView
from wagtail.snippets.views.chooser import ChooseView as SnippetChooseView
from wagtail.snippets.views.chooser import (
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import HistoryView, IndexView, SnippetViewSet

from outbox.registry import KINDS
from outbox.services import messages_about

from ..models import ContestPage, EditionGenre, Entry, EntryPhoto
from ..rules import can_screen_entry, entries_for_user, is_organiser
from ..services.screening import screen_entries, screen_entry
from ..services.status import InvalidTransition
from ..services.submission import AMENDED, SUBMITTED
from ..statuses import EntryStatus
from ..views.submission import organiser_file

# ---- Audit-log actions of submission ---------------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_submission_log_actions(actions):
    @actions.register_action(SUBMITTED)
    class Submitted(LogFormatter):
        label = _("Receive entry")

        def format_message(self, log_entry):
            return _("Entry received with code %(code)s") % {"code": (log_entry.data or {}).get("code", "")}

    @actions.register_action(AMENDED)
    class Amended(LogFormatter):
        label = _("Amend entry")

        def format_message(self, log_entry):
            return _("Amended (version %(version)s)") % {"version": (log_entry.data or {}).get("version", "")}


# ---- Permissions: organisers see and screen; nobody adds, edits or deletes entries here -----------------------


class EntryPermissionPolicy(ModelPermissionPolicy):
    """Organisers (and superusers) may view entries; entries change only through services, never by editing."""

    def user_has_permission(self, user, action):
        return action == "view" and is_organiser(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        return entries_for_user(user) if "view" in actions else Entry.objects.none()


register_permission_policy(Entry, EntryPermissionPolicy(Entry))


# ---- Listing, filters, export ---------------------------------------------------------------------------------


class EntryFilterSet(WagtailFilterSet):
    edition = django_filters.ModelChoiceFilter(
        label=_("Edition"), queryset=ContestPage.objects.order_by("-year"), empty_label=_("All editions")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EntryStatus.choices, empty_label=_("Any"))
    subject_kind = django_filters.ChoiceFilter(
        label=_("Category"), choices=Entry._meta.get_field("subject_kind").choices, empty_label=_("Any")
    )
    genre = django_filters.ModelChoiceFilter(
        label=_("Genre"), queryset=EditionGenre.objects.select_related("edition").order_by("-edition__year", "name")
    )

    class Meta:
        model = Entry
        fields = ["edition", "status", "subject_kind", "genre", "subject_locality"]


class EntryIndexView(IndexView):
    def get_base_queryset(self):
        return entries_for_user(self.request.user, super().get_base_queryset()).select_related(
            "edition", "genre", "subject_locality"
        )


class EntryInspectView(InspectView):
    template_name = "contest/admin/entry_inspect.html"

    def get_object(self, queryset=None):
        entry = super().get_object(queryset)
        if not is_organiser(self.request.user):
            raise PermissionDenied
        return entry

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object
        context["entry"] = entry
        context["photos"] = list(entry.photos.all())
        context["versions"] = list(entry.versions.all())
        context["screen_form"] = ScreeningForm()
        context["can_screen"] = can_screen_entry(self.request.user)
        outgoing = list(messages_about(entry))
        for message in outgoing:
            kind = KINDS.get(message.kind)
            message.kind_name = kind.name if kind else message.kind
        context["outgoing_messages"] = outgoing
        return context


class EntryHistoryView(HistoryView):
    # Organisers only view entries (changes go through services), yet they must read every change's history.
    any_permission_required = ["view"]

    def get_object(self):
        entry = super().get_object()
        if not is_organiser(self.request.user):
            raise PermissionDenied
        return entry


class OrganisersOnlyChooserMixin:
    """Wagtail's choosers check no permission of their own: entries are private, so only organisers choose them."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("contest.screen_entry"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EntryChooserViewSet(SnippetChooserViewSet):
    choose_view_class = type("EntryChooseView", (OrganisersOnlyChooserMixin, SnippetChooseView), {})
    choose_results_view_class = type(
        "EntryChooseResultsView", (OrganisersOnlyChooserMixin, SnippetChooseResultsView), {}
    )
    chosen_view_class = type("EntryChosenView", (OrganisersOnlyChooserMixin, SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "EntryChosenMultipleView", (OrganisersOnlyChooserMixin, SnippetChosenMultipleView), {}
    )


class EntryViewSet(SnippetViewSet):
    model = Entry
    chooser_viewset_class = EntryChooserViewSet
    icon = "doc-full"
    menu_label = _("Entries")
    menu_name = "contest-entries"
    url_prefix = "contest/entries"
    admin_url_namespace = "contest_entries"
    add_to_admin_menu = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["access_token_hash", "text_hash"]
    copy_view_enabled = False
    index_view_class = EntryIndexView
    inspect_view_class = EntryInspectView
    history_view_class = EntryHistoryView
    filterset_class = EntryFilterSet
    search_fields = ["code", "title", "author_name", "author_email", "subject_name"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "code",
        "title",
        "author_name",
        Column("subject_kind", label=_("Category"), accessor="get_subject_kind_display"),
        "genre",
        "subject_locality",
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("submitted_at", label=_("Submitted")),
    ]
    list_export = [
        "code",
        "edition",
        "status",
        "screening_reason",
        "title",
        "genre",
        "subject_kind",
        "word_count",
        "author_name",
        "author_birth_year",
        "author_phone",
        "author_email",
        "author_address",
        "author_workplace",
        "co_authors",
        "subject_name",
        "subject_locality",
        "subject_address",
        "subject_contact",
        "movement",
        "submitted_at",
        "updated_at",
    ]
    export_headings = {
        "code": _("Receipt code"),
        "edition": _("Edition"),
        "status": _("Status"),
        "screening_reason": _("Reason given to the author"),
    }
    export_filename = "bai-du-thi"
    ordering = ["-submitted_at"]


entry_viewset = EntryViewSet()
register_snippet(entry_viewset)


@hooks.register("register_contest_menu_item")
def register_entries_menu_item():
    return entry_viewset.get_menu_item(order=100)


# ---- Screening: one by one (from the full view) and in bulk (from the listing) -------------------------------


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("eligible", _("Eligible")), ("ineligible", _("Ineligible"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason given to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the entry is ineligible; the author sees it on the status page and by e-mail."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "ineligible" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the author a reason."))
        return cleaned


def screen_view(request, pk):
    if not can_screen_entry(request.user):
        raise PermissionDenied
    entry = get_object_or_404(Entry, pk=pk)
    inspect_url = reverse(entry_viewset.get_url_name("inspect"), args=[pk])
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        eligible = form.cleaned_data["decision"] == "eligible"
        try:
            changed = screen_entry(
                entry=entry, eligible=eligible, reason=form.cleaned_data["reason"].strip(), user=request.user
            )
        except InvalidTransition as error:
            messages.error(request, str(error))
        else:
            if changed:
                messages.success(request, _("%(code)s screened; the author has been told.") % {"code": entry.code})
            else:
                messages.warning(request, _("%(code)s already had that status.") % {"code": entry.code})
        return redirect(inspect_url)
    return TemplateResponse(
        request, "contest/admin/entry_screen.html", {"entry": entry, "form": form, "inspect_url": inspect_url}
    )


def photo_view(request, pk, photo_id, size="full"):
    photo = get_object_or_404(EntryPhoto.objects.select_related("entry"), pk=photo_id, entry_id=pk)
    return organiser_file(request, photo.entry, photo.thumbnail if size == "thumb" else photo.image)


def thumbnail_view(request, pk, photo_id):
    return photo_view(request, pk, photo_id, size="thumb")


def original_view(request, pk):
    entry = get_object_or_404(Entry, pk=pk)
    if not is_organiser(request.user):
        raise PermissionDenied
    if not entry.original_file:
        raise Http404
    extension = entry.original_file.name.rsplit(".", 1)[-1]
    return organiser_file(request, entry, entry.original_file, download_name=f"{entry.code}.{extension}")


@hooks.register("register_admin_urls")
def register_entry_urls():
    return [
        path("contest/entries/<int:pk>/screen/", screen_view, name="contest_entry_screen"),
        path("contest/entries/<int:pk>/photos/<int:photo_id>/", photo_view, name="contest_entry_photo"),
        path("contest/entries/<int:pk>/photos/<int:photo_id>/thumb/", thumbnail_view, name="contest_entry_thumb"),
        path("contest/entries/<int:pk>/original/", original_view, name="contest_entry_original"),
    ]


class BulkScreenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason given to the authors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BaseScreenBulkAction(SnippetBulkAction):
    models = [Entry]
    template_name = "contest/admin/confirm_bulk_screen.html"
    form_class = BulkScreenForm
    eligible = True

    def check_perm(self, obj):
        return can_screen_entry(self.request.user)

    def get_execution_context(self):
        return {
            "user": self.request.user,
            "eligible": self.eligible,
            "reason": self.cleaned_form.cleaned_data["reason"].strip(),
        }

    def form_valid(self, form):
        if not self.eligible and not form.cleaned_data["reason"].strip():
            form.add_error("reason", _("Give the authors a reason."))
            return self.form_invalid(form)
        return super().form_valid(form)

    @classmethod
    def execute_action(cls, objects, user=None, eligible=True, reason="", **kwargs):
        changed, skipped = screen_entries(entries=objects, eligible=eligible, reason=reason, user=user)
        return len(changed), len(skipped)

    def get_success_message(self, num_parent_objects, num_child_objects):
        message = ngettext("%(count)d entry screened.", "%(count)d entries screened.", num_parent_objects) % {
            "count": num_parent_objects
        }
        if num_child_objects:
            message += " " + ngettext(
                "%(count)d left as it was.", "%(count)d left as they were.", num_child_objects
            ) % {"count": num_child_objects}
        return message


@hooks.register("register_bulk_action")
class MarkEligibleBulkAction(BaseScreenBulkAction):
    display_name = _("Eligible")
    action_type = "contest_mark_eligible"
    aria_label = _("Mark the selected entries eligible")
    eligible = True


@hooks.register("register_bulk_action")
class MarkIneligibleBulkAction(BaseScreenBulkAction):
    display_name = _("Ineligible")
    action_type = "contest_mark_ineligible"
    aria_label = _("Mark the selected entries ineligible")
    eligible = False
