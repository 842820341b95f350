"""Admin screens for verification, prizes and the release of results (organisers only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..forms.awards import OverrideForm, VerificationForm
from ..models import Award, ContestPage, Entry, PrizeTier, ResultsRelease, Verification
from ..rules import is_organiser
from ..services import awards as award_services
from ..statuses import EntryStatus
from . import ContestMenuItem
from .publication import story_links


class OrganiserOnlyMixin:
    permission = "contest.manage_awards"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EditionListView(OrganiserOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "contest/awards/edition_list.html"
    page_title = gettext_lazy("Prizes and verification")
    header_icon = "trophy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["editions"] = ContestPage.objects.order_by("-year").select_related("results_release")
        return context


class AwardsView(OrganiserOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """One screen per edition: finalists with their verification, the tiers with their places, release."""

    template_name = "contest/awards/awards.html"
    header_icon = "trophy"

    def dispatch(self, request, edition_id, *args, **kwargs):
        self.edition = get_object_or_404(ContestPage, pk=edition_id)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Prizes: %(edition)s") % {"edition": self.edition.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("contest_awards:editions"), "label": _("Prizes and verification")},
            {"url": "", "label": self.edition.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tiers = list(
            PrizeTier.objects.filter(edition=self.edition)
            .order_by("sort_order")
            .prefetch_related(Prefetch("awards", queryset=Award.objects.select_related("entry").order_by("slot")))
        )
        candidates = list(
            Entry.objects.filter(edition=self.edition, status__in=[EntryStatus.FINALIST, EntryStatus.ELIGIBLE])
            .select_related("subject_locality", "verification", "award__tier")
            .order_by("-status", "receipt_number")
        )
        awarded = [award.entry for tier in tiers for award in tier.awards.all()]
        links = story_links([*candidates, *awarded])
        for entry in [*candidates, *awarded]:
            entry.story_edit_url = links.get(entry.pk, "")
        context.update(
            {
                "edition": self.edition,
                "tiers": tiers,
                "candidates": candidates,
                "released": ResultsRelease.objects.filter(edition=self.edition).first(),
                "entry_statuses": EntryStatus,
                "can_publish": self.request.user.has_perm("contest.publish_entry_as_story"),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        try:
            if action == "assign":
                entry = get_object_or_404(Entry, pk=request.POST.get("entry"), edition=self.edition)
                tier = get_object_or_404(PrizeTier, pk=request.POST.get("tier"), edition=self.edition)
                award_services.assign_award(entry, tier, user=request.user)
                messages.success(request, _("%(tier)s drafted for %(code)s.") % {"tier": tier.name, "code": entry.code})
            elif action == "remove":
                award = get_object_or_404(Award, pk=request.POST.get("award"), tier__edition=self.edition)
                award_services.remove_award(award, user=request.user)
                messages.success(request, _("Prize removed."))
            elif action == "release":
                if not request.user.has_perm("contest.release_results"):
                    raise PermissionDenied
                results_link = request.build_absolute_uri(self.edition.url + "ket-qua/") if self.edition.url else ""
                award_services.release_results(self.edition, user=request.user, results_link=results_link)
                messages.success(request, _("The results are public; winners are being told by e-mail."))
            else:
                messages.error(request, _("Unknown action."))
        except award_services.AwardRefused as refusal:
            messages.error(request, str(refusal))
        return redirect("contest_awards:awards", edition_id=self.edition.pk)


class VerificationView(OrganiserOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Record a locality's verification of one entry, and an override when an organiser decides to."""

    template_name = "contest/awards/verification.html"
    header_icon = "tick-inverse"
    permission = "contest.manage_verification"

    def dispatch(self, request, entry_id, *args, **kwargs):
        self.entry = get_object_or_404(Entry.objects.select_related("edition", "subject_locality"), pk=entry_id)
        self.verification = Verification.objects.filter(entry=self.entry).first()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Verification of %(code)s") % {"code": self.entry.code}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("contest_awards:editions"), "label": _("Prizes and verification")},
            {"url": reverse("contest_awards:awards", args=[self.entry.edition_id]), "label": self.entry.edition.title},
            {"url": "", "label": self.entry.code},
        ]

    def get_context_data(self, form=None, override_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        initial = {"locality": self.entry.subject_locality_id} if self.verification is None else None
        context.update(
            {
                "entry": self.entry,
                "verification": self.verification,
                "form": form or VerificationForm(instance=self.verification, initial=initial),
                "override_form": override_form or OverrideForm(),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "override":
            override_form = OverrideForm(request.POST)
            if override_form.is_valid() and self.verification is not None:
                award_services.override_verification(
                    self.verification, user=request.user, reason=override_form.cleaned_data["reason"]
                )
                messages.success(request, _("Override recorded."))
                return redirect("contest_awards:verification", entry_id=self.entry.pk)
            if self.verification is None:
                messages.error(request, _("Record the request to the locality first."))
            return self.render_to_response(self.get_context_data(override_form=override_form))
        form = VerificationForm(request.POST, request.FILES, instance=self.verification)
        if not form.is_valid():
            messages.error(request, _("The verification could not be saved; see the errors below."))
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        award_services.record_verification(
            self.entry,
            user=request.user,
            locality=data["locality"],
            letter_number=data["letter_number"],
            letter_date=data["letter_date"],
            outcome=data["outcome"],
            answered_on=data["answered_on"],
            note=data["note"],
            reply_document=data["reply_document"] if request.FILES.get("reply_document") else None,
        )
        messages.success(request, _("Verification saved."))
        return redirect("contest_awards:awards", edition_id=self.entry.edition_id)


class VerificationLetterView(OrganiserOnlyMixin, TemplateView):
    """A printable request letter to the locality, filled from the entry's subject details."""

    template_name = "contest/awards/verification_letter.html"
    permission = "contest.manage_verification"

    def get_context_data(self, entry_id, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = get_object_or_404(Entry.objects.select_related("edition", "subject_locality"), pk=entry_id)
        context.update({"entry": entry, "verification": Verification.objects.filter(entry=entry).first()})
        return context


class CertificateView(OrganiserOnlyMixin, TemplateView):
    """A printable A4 certificate for one released prize (print stylesheet; the browser saves it as PDF)."""

    template_name = "contest/awards/certificate.html"

    def get_context_data(self, award_id, **kwargs):
        context = super().get_context_data(**kwargs)
        award = get_object_or_404(
            Award.objects.select_related("tier", "entry", "entry__edition"), pk=award_id, released_at__isnull=False
        )
        context.update({"award": award, "entry": award.entry, "edition": award.entry.edition})
        return context


@hooks.register("register_admin_urls")
def register_awards_urls():
    urls = [
        path("", EditionListView.as_view(), name="editions"),
        path("<int:edition_id>/", AwardsView.as_view(), name="awards"),
        path("entries/<int:entry_id>/verification/", VerificationView.as_view(), name="verification"),
        path("entries/<int:entry_id>/letter/", VerificationLetterView.as_view(), name="letter"),
        path("awards/<int:award_id>/certificate/", CertificateView.as_view(), name="certificate"),
    ]
    return [path("contest/prizes/", include((urls, "contest_awards"), namespace="contest_awards"))]


@hooks.register("register_contest_menu_item")
def register_awards_menu_item():
    return ContestMenuItem(
        gettext_lazy("Prizes and verification"),
        reverse("contest_awards:editions"),
        icon_name="trophy",
        order=500,
        predicate=is_organiser,
    )
