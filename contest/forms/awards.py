"""Forms of the awards area: a locality's verification and an organiser's override."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exemplar_pages.models import Locality
from home.fields import ModelChoiceField

from ..models import Verification
from ..photos import PhotoError, carries_markup, process_photo

MAX_REPLY_BYTES = 15 * 1024 * 1024
REPLY_TYPES = {b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpg"}


class VerificationForm(forms.ModelForm):
    locality = ModelChoiceField(queryset=Locality.objects.all(), label=_("Locality asked"))

    class Meta:
        model = Verification
        fields = ["locality", "letter_number", "letter_date", "outcome", "answered_on", "note", "reply_document"]
        widgets = {
            "letter_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "answered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_reply_document(self):
        document = self.cleaned_data.get("reply_document")
        if not document or not hasattr(document, "read") or getattr(document, "_committed", False):
            return document
        if document.size > MAX_REPLY_BYTES:
            raise forms.ValidationError(_("The reply document must be at most 15 MB."))
        head = document.read(8)
        document.seek(0)
        kind = next((kind for magic, kind in REPLY_TYPES.items() if head.startswith(magic)), None)
        if kind is None:
            raise forms.ValidationError(_("The reply document must be a PDF, PNG or JPEG scan."))
        data = document.read()
        document.seek(0)
        if carries_markup(data):
            raise forms.ValidationError(_("The reply document carries web code or script; upload the scan itself."))
        if kind != "pdf":
            # Decoding the scan proves it is a whole picture, bounded in pixels (no truncated file, no bomb).
            try:
                process_photo(document, max_bytes=MAX_REPLY_BYTES)
            except PhotoError as error:
                raise forms.ValidationError(str(error)) from None
            finally:
                document.seek(0)
        return document

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome and outcome != Verification.Outcome.PENDING and not cleaned.get("answered_on"):
            self.add_error("answered_on", _("Give the date of the locality's answer."))
        return cleaned


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for awarding without the locality's confirmation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
