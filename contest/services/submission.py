"""Submission, amendment and withdrawal of entries by their authors: atomic, audited, with receipts by e-mail."""

import hashlib
import logging
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from outbox.services import queue_message

from .. import messages
from ..models import Entry, EntryPhoto, EntryVersion, ReceiptCounter, SubmissionKey
from ..statuses import AMENDABLE, EntryStatus
from ..text import count_words, text_fingerprint
from .status import set_entry_status

logger = logging.getLogger(__name__)

SUBMITTED = "contest.entry.submitted"
AMENDED = "contest.entry.amended"


class SubmissionRefused(Exception):
    """The rules refuse this submission or change; `field` names the form field the message belongs to, if any."""

    def __init__(self, message, *, field=None):
        self.message, self.field = message, field
        super().__init__(str(message))


class StaleAmendment(SubmissionRefused):
    """The entry gained a version after the form was opened: a double click, or another tab saved first."""


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def entry_for_token(token, **lookups):
    """The entry a private link opens, or None; only the token's hash is stored, so a leaked table opens nothing."""
    if not token or len(token) > 100:
        return None
    return Entry.objects.filter(access_token_hash=hash_token(token), **lookups).select_related("edition").first()


def status_url(entry, token):
    return entry.edition.get_full_url() + entry.edition.reverse_subpage("entry_status", args=[token])


def _check_open(edition, now):
    if not edition.is_accepting_entries(now):
        if now < edition.submissions_open:
            raise SubmissionRefused(
                _("Submissions open on %(date)s.")
                % {"date": f"{timezone.localtime(edition.submissions_open):%d/%m/%Y %H:%M}"}
            )
        raise SubmissionRefused(
            _("Submissions closed on %(date)s.")
            % {"date": f"{timezone.localtime(edition.submissions_close):%d/%m/%Y %H:%M}"}
        )


def _check_text_unique(edition, text_hash, *, exclude_pk=None):
    duplicates = Entry.objects.filter(edition=edition, text_hash=text_hash).exclude(status=EntryStatus.WITHDRAWN)
    if exclude_pk:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise SubmissionRefused(_("This text has already been sent to this edition."), field="body")


def _store_photos(entry, photos, stored, *, start=0):
    for offset, (photo, caption) in enumerate(photos):
        number = start + offset + 1
        row = EntryPhoto(
            entry=entry,
            caption=caption or "",
            sha256=photo.sha256,
            sort_order=start + offset,
        )
        row.image.save(f"{number:02d}.{photo.extension}", ContentFile(photo.content), save=False)
        stored.append(row.image.name)
        row.thumbnail.save(f"{number:02d}-nho.{photo.extension}", ContentFile(photo.thumbnail), save=False)
        stored.append(row.thumbnail.name)
        # Django re-reads dimensions from the saved content and may find none; we know them from the encoder.
        row.width, row.height = photo.width, photo.height
        row.save()


def _delete_files(names):
    from ..models import private_storage

    for name in names:
        try:
            private_storage().delete(name)
        except OSError:
            logger.warning("Could not delete %s after a failed submission", name)


def _tell_author(kind, entry, **context):
    """Queue a message to the entry's author inside the caller's transaction; it goes out after commit."""
    return queue_message(
        kind.key, to=entry.author_email, context={"entry": entry, "edition": entry.edition, **context}, related=entry
    )


def submit_entry(
    *, edition, data, photos, original=None, original_extension="", key=None, now=None, notify_author=True
):
    """Record a new entry with its photos and original file; return (entry, private token).

    `data` holds the entry's own fields as the form cleaned them; `photos` is a list of (ProcessedPhoto, caption).
    Side effects: takes the edition's receipt counter row under lock (gap-free codes), writes the entry, its files in
    private storage, version 1 and one audit-log entry `contest.entry.submitted`; queues the receipt (outbox), sent
    after commit.
    `notify_author=False` skips the receipt (demo data loaded for `make run`).
    A repeated `key` (a double click) returns the entry the first request made, with token None.
    Raises SubmissionRefused when the edition is closed, the author has used up their entries or the text is a
    duplicate; no record and no file remain then.
    """
    now = now or timezone.now()
    ReceiptCounter.objects.get_or_create(edition=edition)
    stored = []
    body = data["body"]
    text_hash = text_fingerprint(body)
    try:
        with transaction.atomic():
            if key:
                existing = SubmissionKey.objects.filter(key=key).select_related("entry").first()
                if existing:
                    return existing.entry, None
            counter = ReceiptCounter.objects.select_for_update().get(edition=edition)
            _check_open(edition, now)
            # Counted under the counter's lock, so two entries sent at once cannot both take the last place.
            sent = (
                Entry.objects.filter(edition=edition, author_email__iexact=data["author_email"])
                .exclude(status=EntryStatus.WITHDRAWN)
                .count()
            )
            if sent >= edition.entries_per_author:
                raise SubmissionRefused(
                    _("Each author may send at most %(count)s entries to this edition; %(email)s has sent %(sent)s.")
                    % {"count": edition.entries_per_author, "email": data["author_email"], "sent": sent},
                    field="author_email",
                )
            _check_text_unique(edition, text_hash)
            counter.last_number += 1
            counter.save(update_fields=["last_number"])
            token = secrets.token_urlsafe(32)
            entry = Entry(
                **data,
                edition=edition,
                receipt_number=counter.last_number,
                code=f"{edition.code_prefix}-{counter.last_number:04d}",
                word_count=count_words(body),
                text_hash=text_hash,
                access_token_hash=hash_token(token),
            )
            entry.save()
            if original is not None:
                entry.original_file.save(f"original.{original_extension}", original, save=False)
                stored.append(entry.original_file.name)
                entry.save(update_fields=["original_file"])
            _store_photos(entry, photos, stored)
            EntryVersion.objects.create(
                entry=entry,
                number=1,
                title=entry.title,
                genre_name=entry.genre.name,
                body=entry.body,
                word_count=entry.word_count,
                photo_count=len(photos),
            )
            if key:
                SubmissionKey.objects.create(key=key, entry=entry)
            log(entry, SUBMITTED, data={"code": entry.code, "version": 1})
            # Once committed the files belong to the rows: nothing after the commit may delete them.
            transaction.on_commit(stored.clear)
            if notify_author:
                _tell_author(messages.RECEIPT, entry, link=status_url(entry, token))
    except IntegrityError:
        _delete_files(stored)
        # A race lost to the database's constraints: the same form twice, or the same text at the same moment.
        existing = SubmissionKey.objects.filter(key=key).select_related("entry").first() if key else None
        if existing:
            return existing.entry, None
        _check_text_unique(edition, text_hash)
        raise
    except BaseException:
        _delete_files(stored)
        raise
    return entry, token


def amend_entry(*, entry, data, photos=None, note="", base_version=None, now=None):
    """Change an entry's writing (and, when `photos` is given, replace its photos) before the deadline.

    Side effects: saves the entry, adds the next EntryVersion, writes one audit-log entry `contest.entry.amended`,
    queues a confirmation to the author (sent after commit); replaced photo files are deleted after commit.
    `base_version` is the version the author's form was opened on; StaleAmendment is raised when a newer one
    exists, so a second click or a second tab never overwrites a change unseen.
    Raises SubmissionRefused when the deadline has passed, the entry can no longer change, or the new text
    duplicates another entry.
    """
    now = now or timezone.now()
    stored = []
    try:
        with transaction.atomic():
            locked = Entry.objects.select_for_update().select_related("edition").get(pk=entry.pk)
            _check_open(locked.edition, now)
            if locked.status not in AMENDABLE:
                raise SubmissionRefused(_("This entry can no longer be changed."))
            latest = locked.versions.aggregate(last=Max("number"))["last"] or 0
            if base_version is not None and base_version != latest:
                raise StaleAmendment(
                    _("The entry has changed since you opened this form (version %(version)s); reload to see it.")
                    % {"version": latest}
                )
            text_hash = text_fingerprint(data["body"])
            _check_text_unique(locked.edition, text_hash, exclude_pk=locked.pk)
            for name, value in data.items():
                setattr(locked, name, value)
            locked.word_count = count_words(locked.body)
            locked.text_hash = text_hash
            locked.save()
            old_files = []
            if photos:
                for old in locked.photos.all():
                    old_files += [old.image.name, old.thumbnail.name]
                locked.photos.all().delete()
                _store_photos(locked, photos, stored)
            number = latest + 1
            EntryVersion.objects.create(
                entry=locked,
                number=number,
                title=locked.title,
                genre_name=locked.genre.name,
                body=locked.body,
                word_count=locked.word_count,
                photo_count=locked.photos.count(),
                note=note,
            )
            log(locked, AMENDED, data={"version": number, "photos_replaced": bool(photos)})
            transaction.on_commit(stored.clear)  # committed: the new files belong to the rows
            transaction.on_commit(lambda: _delete_files(old_files))
            _tell_author(messages.AMENDED, locked, version=number)
    except BaseException:
        _delete_files(stored)
        raise
    return locked


def withdraw_entry(*, entry, now=None):
    """The author takes the entry back before the deadline; its place and its text become free again.

    Side effects: the status change through set_entry_status (audited), a confirmation queued for the author (sent
    after commit).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Entry.objects.select_for_update().select_related("edition").get(pk=entry.pk)
        _check_open(locked.edition, now)
        if locked.status not in AMENDABLE:
            raise SubmissionRefused(_("This entry can no longer be withdrawn."))
        locked = set_entry_status(locked, EntryStatus.WITHDRAWN)
        _tell_author(messages.WITHDRAWN, locked)
    return locked
