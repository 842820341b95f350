"""What submission keeps beside an entry: every version the author sent, and the keys that make a resubmit a no-op."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .entries import Entry


class EntryVersion(models.Model):
    """One state of an entry's writing as the author sent it: version 1 at submission, one more per amendment."""

    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    genre_name = models.CharField(_("genre"), max_length=100)
    body = models.TextField(_("text"))
    word_count = models.PositiveIntegerField(_("words"), default=0)
    photo_count = models.PositiveSmallIntegerField(_("photos"), default=0)
    note = models.CharField(_("author's note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("entry version")
        verbose_name_plural = _("entry versions")
        ordering = ["entry", "number"]
        constraints = [models.UniqueConstraint(fields=["entry", "number"], name="unique_version_number_per_entry")]

    def __str__(self):
        return f"{self.entry.code} v{self.number}"


class SubmissionKey(models.Model):
    """A form's one-time key: a second POST of the same form (a double click) finds the entry the first one made."""

    key = models.UUIDField(unique=True)
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="submission_key")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submission key")

    def __str__(self):
        return str(self.key)
