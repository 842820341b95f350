"""Entries and their photos: private, operational data that only entitled people reach."""

from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..statuses import EntryStatus
from .editions import ContestPage, EditionGenre, SubjectKind


def private_storage():
    """The `private` storage (outside MEDIA_ROOT, never served directly).

    A callable, so migrations record this function rather than one machine's folder.
    """
    return storages["private"]


# The same function under the name migration 0003_submission_versions_and_keys records.
get_private_storage = private_storage


def original_file_path(entry, filename):
    # Never the author's file name: it can name the author, which a blind round must not show.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"entries/{entry.edition_id}/{entry.receipt_number:04d}/original.{extension}"


def photo_path(photo, filename):
    return f"entries/{photo.entry.edition_id}/{photo.entry.receipt_number:04d}/photos/{filename}"


class Entry(models.Model):
    """A piece of writing submitted to an edition; only services change its status."""

    edition = models.ForeignKey(
        ContestPage, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="entries"
    )
    receipt_number = models.PositiveIntegerField(_("receipt number"))
    code = models.CharField(_("receipt code"), max_length=24)
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED)
    screening_reason = models.TextField(
        _("reason given to the author"), blank=True, help_text=_("Shown to the author when an entry is ineligible.")
    )

    # The author (no account: identified by e-mail and the private link).
    author_name = models.CharField(_("author's full name"), max_length=120)
    author_birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    author_phone = models.CharField(_("phone"), max_length=20)
    author_email = models.EmailField(_("e-mail"), max_length=254, db_index=True)
    author_address = models.CharField(_("address"), max_length=255)
    author_workplace = models.CharField(_("workplace"), max_length=255, blank=True)
    co_authors = models.CharField(_("co-authors"), max_length=255, blank=True)

    # The subject: the person or collective written about, and where to verify them.
    subject_kind = models.CharField(_("category"), max_length=20, choices=SubjectKind.choices)
    subject_name = models.CharField(_("subject's name"), max_length=200)
    subject_locality = models.ForeignKey(
        "exemplar_pages.Locality",
        verbose_name=_("subject's locality"),
        on_delete=models.PROTECT,
        related_name="contest_entries",
    )
    subject_address = models.CharField(_("subject's address"), max_length=255)
    subject_contact = models.CharField(
        _("contact for verification"), max_length=255, help_text=_("A name and phone number to confirm the story.")
    )
    movement = models.ForeignKey(
        "exemplar_pages.MovementPage",
        verbose_name=_("movement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contest_entries",
    )

    # The writing.
    title = models.CharField(_("title"), max_length=200)
    genre = models.ForeignKey(EditionGenre, verbose_name=_("genre"), on_delete=models.PROTECT, related_name="entries")
    body = models.TextField(_("text"))
    word_count = models.PositiveIntegerField(_("words"), default=0)
    text_hash = models.CharField(_("text fingerprint"), max_length=64, db_index=True)
    anonymised_body = models.TextField(
        _("anonymised text"),
        blank=True,
        help_text=_(
            "For blind rounds: a copy of the text with the author's name removed; empty means the text as sent."
        ),
    )
    original_file = models.FileField(
        _("original file"), storage=private_storage, upload_to=original_file_path, blank=True, max_length=255
    )

    # Declarations required by the rules and by the personal-data law (91/2025/QH15).
    declares_own_work = models.BooleanField(_("own work"), default=False)
    declares_unpublished = models.BooleanField(_("not published before"), default=False)
    consents_to_publication = models.BooleanField(_("consents to publication"), default=False)
    consents_to_data_processing = models.BooleanField(_("consents to processing of personal data"), default=False)

    access_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["edition", "receipt_number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "receipt_number"], name="unique_receipt_number_per_edition"),
            models.UniqueConstraint(fields=["edition", "code"], name="unique_receipt_code_per_edition"),
            models.UniqueConstraint(
                fields=["edition", "text_hash"],
                condition=~Q(status=EntryStatus.WITHDRAWN),
                name="unique_active_text_per_edition",
            ),
            models.CheckConstraint(condition=Q(author_birth_year__gte=1900), name="entry_birth_year_plausible"),
        ]
        indexes = [models.Index(fields=["edition", "status"])]

    def __str__(self):
        return f"{self.code} — {self.title}"

    @property
    def text_for_judges(self):
        return self.anonymised_body or self.body


class EntryPhoto(models.Model):
    """A photo sent with an entry: decoded, re-encoded without EXIF, with a thumbnail; never served directly."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"),
        storage=private_storage,
        upload_to=photo_path,
        width_field="width",
        height_field="height",
        max_length=255,
    )
    thumbnail = models.ImageField(_("thumbnail"), storage=private_storage, upload_to=photo_path, max_length=255)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["entry", "sort_order", "pk"]

    def __str__(self):
        return f"{self.entry.code} #{self.sort_order + 1}"
