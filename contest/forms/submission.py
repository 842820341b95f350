"""The public forms of an edition: sending an entry, amending it through the private link, withdrawing it."""

import uuid

from disposable_email_domains import blocklist

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from exemplar_pages.models import Locality, MovementPage
from home.fields import ModelChoiceField

from ..captcha import add_captcha
from ..models import Entry, SubjectKind
from ..originals import OriginalFileError, check_original
from ..photos import PhotoError, process_photo
from ..text import count_words

AUTHOR_FIELDS = [
    "author_name",
    "author_birth_year",
    "author_phone",
    "author_email",
    "author_address",
    "author_workplace",
    "co_authors",
]
SUBJECT_FIELDS = ["subject_kind", "subject_name", "subject_locality", "subject_address", "subject_contact", "movement"]
WRITING_FIELDS = ["title", "genre", "body"]
DECLARATION_FIELDS = [
    "declares_own_work",
    "declares_unpublished",
    "consents_to_publication",
    "consents_to_data_processing",
]
AMENDABLE_FIELDS = ["co_authors", "subject_name", "subject_address", "subject_contact", *WRITING_FIELDS]

phone_validator = RegexValidator(r"^(\+84|0)\d{9,10}$", _("Enter a Vietnamese phone number, e.g. 0912 345 678."))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class WritingMixin:
    """Word limits per genre and photo checks, shared by sending and amending."""

    edition = None
    photos_required = True

    def _setup_writing(self, edition):
        self.edition = edition
        self.fields["genre"].queryset = edition.genres.all()
        self.fields["genre"].empty_label = _("— choose a genre —")
        self.fields["body"].widget.attrs.update({"rows": 18, "data-word-counter": "body-word-count"})
        self.fields["body"].help_text = _("Paste or type the text; the counter below shows its words as you type.")
        self.fields["photos"] = MultipleFileField(
            label=_("Photos"),
            required=self.photos_required and edition.min_photos > 0,
            widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            help_text=_("JPEG, PNG or WebP; %(min)s to %(max)s photos, each at most %(mb)s MB.")
            % {"min": edition.min_photos, "max": edition.max_photos, "mb": edition.max_photo_megabytes},
        )
        self.processed_photos = []

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        if not files and not self.photos_required:
            return files
        if len(files) < self.edition.min_photos:
            raise forms.ValidationError(
                ngettext("Send at least %(count)s photo.", "Send at least %(count)s photos.", self.edition.min_photos)
                % {"count": self.edition.min_photos}
            )
        if len(files) > self.edition.max_photos:
            raise forms.ValidationError(
                ngettext("Send at most %(count)s photo.", "Send at most %(count)s photos.", self.edition.max_photos)
                % {"count": self.edition.max_photos}
            )
        errors, processed = [], []
        for uploaded in files:
            try:
                processed.append(
                    (process_photo(uploaded, max_bytes=self.edition.max_photo_megabytes * 1024 * 1024), "")
                )
            except PhotoError as error:
                errors.append(str(error))
        if errors:
            raise forms.ValidationError(errors)
        self.processed_photos = processed
        return files

    def clean_writing(self, cleaned):
        genre, body = cleaned.get("genre"), cleaned.get("body")
        if genre is None or body is None:
            return
        words = count_words(body)
        if words > genre.max_words:
            self.add_error(
                "body",
                _("The text has %(words)s words; %(genre)s allows at most %(limit)s.")
                % {"words": words, "genre": genre.name, "limit": genre.max_words},
            )
        elif words < self.edition.min_words:
            self.add_error(
                "body",
                _("The text has %(words)s words; entries need at least %(limit)s.")
                % {"words": words, "limit": self.edition.min_words},
            )


class SubmissionForm(WritingMixin, forms.ModelForm):
    """Everything an author sends in one go; nothing is saved here (services.submission does that)."""

    original = forms.FileField(
        label=_("Original file (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf"}),
        help_text=_("The text as a Word (.docx) or PDF document, at most 15 MB."),
    )
    # A field people never see or fill; bots that fill every input give themselves away.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Entry
        fields = AUTHOR_FIELDS + SUBJECT_FIELDS + WRITING_FIELDS + DECLARATION_FIELDS
        field_classes = {"subject_locality": ModelChoiceField, "movement": ModelChoiceField}
        widgets = {
            "subject_kind": forms.RadioSelect,
            "author_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "author_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "author_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "author_birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_writing(edition)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        self.fields["subject_kind"].choices = SubjectKind.choices  # radios need no blank "---------" choice
        self.fields["subject_locality"].queryset = Locality.objects.filter(is_current=True).order_by("name")
        self.fields["subject_locality"].empty_label = _("— choose the commune or ward —")
        self.fields["movement"].queryset = MovementPage.objects.live().order_by("title")
        self.fields["movement"].empty_label = _("— not sure / none —")
        self.fields["movement"].help_text = _("The emulation movement the person or collective belongs to, if known.")
        self.fields["author_birth_year"].min_value = 1900
        for name in DECLARATION_FIELDS:
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = _("Tick this declaration to send the entry.")
        self.fields["declares_own_work"].label = _("I declare this text is my own work (with the co-authors named).")
        self.fields["declares_unpublished"].label = _("The text has not been published or awarded anywhere before.")
        self.fields["consents_to_publication"].label = _(
            "I agree that the organisers may publish the text and photos, with my name, if it is chosen."
        )
        self.fields["consents_to_data_processing"].label = _(
            "I consent to the organisers processing my personal data and the subject's for running the contest."
        )
        add_captcha(self)

    def clean_author_phone(self):
        phone = "".join(ch for ch in self.cleaned_data["author_phone"] if ch.isdigit() or ch == "+")
        phone_validator(phone)
        return phone

    def clean_author_email(self):
        email = self.cleaned_data["author_email"].strip()
        if email.rsplit("@", 1)[-1].lower() in blocklist:
            raise forms.ValidationError(_("Use an e-mail address you keep: the receipt and the private link go there."))
        return email

    def clean_author_birth_year(self):
        year = self.cleaned_data["author_birth_year"]
        if year > timezone.localdate().year - 6:
            raise forms.ValidationError(_("Enter a real year of birth."))
        return year

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This field must stay empty."))
        return ""

    def clean_original(self):
        uploaded = self.cleaned_data.get("original")
        self.original_extension = ""
        if not uploaded:
            return None
        try:
            self.original_extension = check_original(uploaded)
        except OriginalFileError as error:
            raise forms.ValidationError(str(error)) from None
        return uploaded

    def clean(self):
        cleaned = super().clean()
        self.clean_writing(cleaned)
        return cleaned

    def entry_data(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AmendForm(WritingMixin, forms.ModelForm):
    """What an author may change through the private link before the deadline: the writing and the subject."""

    photos_required = False
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(
        label=_("What did you change? (optional)"), required=False, max_length=255, widget=forms.TextInput
    )

    class Meta:
        model = Entry
        fields = AMENDABLE_FIELDS

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_writing(edition)
        if not self.is_bound:
            self.initial["base_version"] = self.instance.versions.count()
        self.fields["photos"].help_text = _(
            "Leave empty to keep the current photos; photos chosen here replace all of them (%(min)s to %(max)s)."
        ) % {"min": edition.min_photos, "max": edition.max_photos}

    def clean(self):
        cleaned = super().clean()
        self.clean_writing(cleaned)
        return cleaned

    def entry_data(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def _post_clean(self):
        # The instance is the live entry: changes are applied by the service under lock, never by the form.
        pass
