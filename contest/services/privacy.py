"""Personal data on request and by retention: export or erase one person's data, purge authors' contact data."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wagtail.log_actions import log

from outbox.services import delete_messages_about

from ..models import ContestPage, Entry, Vote, Voter, VoteRequest
from ..statuses import EntryStatus
from ..voting_email import normalise_email
from .voting import keyed_hash

EXPORTED = "contest.personal_data.exported"
ERASED = "contest.personal_data.erased"
AUTHOR_DATA_PURGED = "contest.author_data.purged"

# What erased contact data is replaced with. The birth year has a database check (>= 1900): 1900 marks "removed".
REMOVED = "[đã xoá]"
REMOVED_BIRTH_YEAR = 1900
# An author's name stays where the public already knows it: on a prize in the released results, or on a story
# published from the entry. Everywhere else it goes with the rest.
PUBLIC_STATUSES = {EntryStatus.AWARDED}
# How long after an edition closes its authors' contact data is kept (verification, prizes, complaints).
DEFAULT_AUTHOR_RETENTION_DAYS = 365


def author_retention_days():
    return getattr(settings, "CONTEST_AUTHOR_RETENTION_DAYS", DEFAULT_AUTHOR_RETENTION_DAYS)


def _entries_of(email):
    return Entry.objects.filter(author_email__iexact=email.strip()).exclude(author_email="")


def _voters_of(email):
    normalised = normalise_email(email)
    return Voter.objects.filter(Q(email_hash=keyed_hash("email", normalised)) | Q(email__iexact=normalised)).exclude(
        email="", email_hash__isnull=True
    )


def _published_entry_ids(entries):
    from exemplar_pages.models import ExemplarPage

    ids = [entry.pk for entry in entries]
    return set(ExemplarPage.objects.live().filter(source_entry_id__in=ids).values_list("source_entry_id", flat=True))


def _when(value):
    return value.isoformat() if value else None


def export_personal_data(*, email, user=None):
    """Everything held about the person with this e-mail address, as author and as voter, as a JSON-ready dict."""
    entries = list(
        _entries_of(email)
        .select_related("edition", "genre", "subject_locality", "movement")
        .prefetch_related("versions", "photos")
        .order_by("submitted_at", "pk")
    )
    voters = list(_voters_of(email).select_related("edition").order_by("created_at", "pk"))
    votes = list(Vote.objects.filter(voter__in=voters).select_related("edition", "entry").order_by("cast_at", "pk"))
    export = {
        "email": email.strip(),
        "exported_at": _when(timezone.now()),
        "entries": [
            {
                "edition": entry.edition.year,
                "code": entry.code,
                "status": entry.status,
                "title": entry.title,
                "genre": entry.genre.name,
                "author": {
                    "name": entry.author_name,
                    "birth_year": entry.author_birth_year,
                    "phone": entry.author_phone,
                    "email": entry.author_email,
                    "address": entry.author_address,
                    "workplace": entry.author_workplace,
                    "co_authors": entry.co_authors,
                },
                "subject": {
                    "kind": entry.subject_kind,
                    "name": entry.subject_name,
                    "locality": entry.subject_locality.name if entry.subject_locality_id else None,
                    "address": entry.subject_address,
                    "contact": entry.subject_contact,
                },
                "body": entry.body,
                "word_count": entry.word_count,
                "photos": [
                    {"caption": photo.caption, "width": photo.width, "height": photo.height}
                    for photo in entry.photos.all()
                ],
                "has_original_file": bool(entry.original_file),
                "consents": {
                    "own_work": entry.declares_own_work,
                    "unpublished": entry.declares_unpublished,
                    "publication": entry.consents_to_publication,
                    "data_processing": entry.consents_to_data_processing,
                },
                "submitted_at": _when(entry.submitted_at),
                "updated_at": _when(entry.updated_at),
                "versions": [
                    {
                        "number": version.number,
                        "title": version.title,
                        "genre": version.genre_name,
                        "body": version.body,
                        "word_count": version.word_count,
                        "photo_count": version.photo_count,
                        "note": version.note,
                        "sent_at": _when(version.created_at),
                    }
                    for version in sorted(entry.versions.all(), key=lambda version: version.number)
                ],
            }
            for entry in entries
        ],
        "voter": [
            {
                "edition": voter.edition.year,
                "email": voter.email,
                "first_request": _when(voter.created_at),
                "first_confirmed": _when(voter.confirmed_at),
                "personal_data_removed": _when(voter.purged_at),
            }
            for voter in voters
        ],
        "votes": [
            {
                "edition": vote.edition.year,
                "entry": vote.entry.code,
                "entry_title": vote.entry.title,
                "cast_at": _when(vote.cast_at),
                "valid": vote.is_valid,
            }
            for vote in votes
        ],
    }
    with transaction.atomic():
        for record in [*entries, *voters]:
            log(record, EXPORTED, user=user, data={"records": len(entries) + len(voters)})
    return export


def _scrub_author(entry, *, keep_name):
    entry.author_phone = ""
    entry.author_email = ""
    entry.author_address = REMOVED
    entry.author_workplace = ""
    entry.author_birth_year = REMOVED_BIRTH_YEAR
    if not keep_name:
        entry.author_name = REMOVED
        entry.co_authors = ""
    entry.save(
        update_fields=[
            "author_phone",
            "author_email",
            "author_address",
            "author_workplace",
            "author_birth_year",
            "author_name",
            "co_authors",
            "updated_at",
        ]
    )


def _scrub_voters(voters, now):
    voter_ids = [voter.pk for voter in voters]
    Voter.objects.filter(pk__in=voter_ids).update(email="", email_hash=None, purged_at=now)
    Vote.objects.filter(voter_id__in=voter_ids).update(ip_hash="", network_hash="", user_agent_hash="")
    VoteRequest.objects.filter(voter_id__in=voter_ids, used_at__isnull=True).delete()
    delete_messages_about(Voter.objects.filter(pk__in=voter_ids))


def erase_personal_data(*, email, reason, user=None, now=None):
    """Remove one person's contact data on request; entries, published stories, votes and counts stay.

    Returns (entries scrubbed, voters scrubbed). Raises ValueError without a reason (the log must say why).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A reason is required to erase personal data.")
    now = now or timezone.now()
    with transaction.atomic():
        entries = list(_entries_of(email).select_for_update())
        voters = list(_voters_of(email).select_for_update())
        public = _published_entry_ids(entries)
        for entry in entries:
            keep_name = entry.status in PUBLIC_STATUSES or entry.pk in public
            _scrub_author(entry, keep_name=keep_name)
            log(entry, ERASED, user=user, data={"reason": reason, "role": "author", "name_kept": keep_name})
        _scrub_voters(voters, now)
        for voter in voters:
            log(voter, ERASED, user=user, data={"reason": reason, "role": "voter"})
    return len(entries), len(voters)


def edition_closed_on(edition):
    """The day an edition's business is over: results, else the vote's close, else the submissions' close."""
    if edition.results_date:
        return edition.results_date
    closing = edition.voting_close or edition.submissions_close
    return timezone.localdate(closing) if closing else None


def purge_author_data(*, edition, older_than_days=None, user=None, today=None):
    """Remove the contact data of every author of `edition` once it closed more than `older_than_days` ago.

    Published stories, prizes, texts and counts stay; awarded authors keep their name. Returns the number of
    entries scrubbed, or None when the edition is still within its retention period.
    """
    days = author_retention_days() if older_than_days is None else older_than_days
    today = today or timezone.localdate()
    closed = edition_closed_on(edition)
    if closed is None or closed + datetime.timedelta(days=days) > today:
        return None
    with transaction.atomic():
        entries = list(Entry.objects.select_for_update().filter(edition=edition).exclude(author_email=""))
        public = _published_entry_ids(entries)
        for entry in entries:
            _scrub_author(entry, keep_name=entry.status in PUBLIC_STATUSES or entry.pk in public)
        log(
            edition,
            AUTHOR_DATA_PURGED,
            user=user,
            data={"entries": len(entries), "older_than_days": days, "closed": closed.isoformat()},
        )
    return len(entries)


def editions(year=None):
    queryset = ContestPage.objects.order_by("year")
    return queryset.filter(year=year) if year is not None else queryset
