"""Public voting: request a vote, confirm it by e-mail, vote again in a confirmed session, invalidate, count.

Integrity is the database's job: one vote per (voter, entry, window) is a unique constraint, a confirmation claims
its request with a conditional UPDATE (single use), and the voter's row is locked while the number of entries
they voted for is decided.
"""

import dataclasses
import datetime
import ipaddress
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wagtail.log_actions import log

from outbox.services import delete_messages_about, queue_message

from .. import messages
from ..models import ContestPage, Entry, Vote, Voter, VoteRequest, VotingCandidate, VotingRules
from ..models.voting import WHOLE_WINDOW, PerEntryRule
from ..statuses import EntryStatus
from ..voting_email import email_domain, normalise_email

logger = logging.getLogger(__name__)

VOTE_INVALIDATED = "contest.vote.invalidated"
CANDIDATE_ADDED = "contest.vote.candidate_added"

# Entries in these statuses may stand for the vote; withdrawn or ineligible ones leave the gallery at once.
VOTABLE_STATUSES = (EntryStatus.ELIGIBLE, EntryStatus.FINALIST, EntryStatus.AWARDED)


def setting(name, default):
    return getattr(settings, name, default)


class VotingRefused(Exception):
    """A vote or request the rules do not allow; `message` is for the reader (Vietnamese via the catalogue)."""

    def __init__(self, message, code):
        self.message, self.code = message, code
        super().__init__(str(message))


# --- Keyed hashes: the ledger can group by IP, network or browser without holding the raw values. -------------


def keyed_hash(purpose, value):
    return salted_hmac(f"contest.voting.{purpose}", value, algorithm="sha256").hexdigest()


def network_of(ip):
    """The /24 (IPv4) or /64 (IPv6) network of `ip`, as text; empty for an unparsable address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


@dataclasses.dataclass(frozen=True)
class ClientHashes:
    ip_hash: str
    network_hash: str
    user_agent_hash: str

    @classmethod
    def of(cls, ip, user_agent):
        network = network_of(ip or "")
        return cls(
            ip_hash=keyed_hash("ip", ip) if ip else "",
            network_hash=keyed_hash("network", network) if network else "",
            user_agent_hash=keyed_hash("user_agent", user_agent or ""),
        )


# --- Rules -------------------------------------------------------------------------------------------------------


def rules_for(edition):
    """The edition's voting rules; an edition without saved rules votes by the defaults."""
    try:
        return edition.voting_rules
    except VotingRules.DoesNotExist:
        return VotingRules(edition=edition)


def window_key(rules, now):
    if rules.per_entry == PerEntryRule.DAILY:
        return timezone.localdate(now).isoformat()
    return WHOLE_WINDOW


def voting_state(edition, now):
    """'unset', 'before', 'open' or 'closed' for the edition's voting window at `now`."""
    if not (edition.voting_open and edition.voting_close):
        return "unset"
    if now < edition.voting_open:
        return "before"
    if now >= edition.voting_close:
        return "closed"
    return "open"


def check_window(edition, now):
    state = voting_state(edition, now)
    if state == "open":
        return
    if state == "closed":
        raise VotingRefused(_("Voting has closed. Thank you for your interest."), "closed")
    if state == "before":
        opens = timezone.localtime(edition.voting_open).strftime("%H:%M %d/%m/%Y")
        raise VotingRefused(_("Voting has not opened yet. It opens at %(time)s.") % {"time": opens}, "not_open")
    raise VotingRefused(_("This edition has no readers' vote."), "no_vote")


def open_candidates(edition):
    """The entries open to the vote in `edition`, in gallery order (as VotingCandidate rows)."""
    return (
        VotingCandidate.objects.filter(edition=edition, is_open_to_vote=True, entry__status__in=VOTABLE_STATUSES)
        .select_related("entry", "entry__subject_locality", "entry__genre")
        .order_by("sort_order", "entry__receipt_number")
    )


def _open_entries(edition):
    return Entry.objects.filter(
        edition=edition,
        status__in=VOTABLE_STATUSES,
        voting_candidate__edition=edition,
        voting_candidate__is_open_to_vote=True,
    )


def open_entry(edition, entry_id, *, brief=False):
    """The entry `entry_id` if it is open to the vote in `edition`, else None.

    `brief` loads only what casting a vote needs (the vote endpoint is the hot path under load).
    """
    entries = _open_entries(edition).filter(pk=entry_id)
    if brief:
        entries = entries.only("pk", "edition_id", "title", "receipt_number")
    else:
        entries = entries.select_related("subject_locality", "genre")
    return entries.first()


def is_open_to_vote(edition, entry_id):
    return _open_entries(edition).filter(pk=entry_id).exists()


def _entry_open_to_vote(edition, entry):
    """Whether `entry` may be voted for in `edition`; from its candidate row when that was loaded with it.

    The confirmation loads the entry and its candidate row in the same query as the request (no second query on
    the hot path); otherwise the database is asked.
    """
    if not Entry.voting_candidate.is_cached(entry):
        return is_open_to_vote(edition, entry.pk)
    candidate = Entry.voting_candidate.related.get_cached_value(entry)
    return (
        candidate is not None
        and candidate.edition_id == edition.pk
        and candidate.is_open_to_vote
        and entry.edition_id == edition.pk
        and entry.status in VOTABLE_STATUSES
    )


# --- Rate limits (cache-based; Redis in production so every worker shares them) -------------------------------


def _hit(key, limit, seconds):
    """Count one hit on `key` in a fixed window of `seconds`; True when the hit is over `limit`."""
    cache.add(key, 0, seconds)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        hits = 1
    return hits > limit


def check_rate_limits(*, ip, email):
    """Refuse when this IP or this (normalised) address has asked for too many confirmations lately.

    Limits are settings: VOTE_RATE_LIMIT_PER_IP and VOTE_RATE_LIMIT_PER_EMAIL, each (requests, seconds).
    """
    ip_limit, ip_seconds = setting("VOTE_RATE_LIMIT_PER_IP", (20, 3600))
    email_limit, email_seconds = setting("VOTE_RATE_LIMIT_PER_EMAIL", (5, 3600))
    if ip and _hit(f"contest:voting:rate:ip:{keyed_hash('ip', ip)}", ip_limit, ip_seconds):
        raise VotingRefused(_("Too many vote requests from your network. Please try again later."), "rate_limited_ip")
    normalised = normalise_email(email)
    if _hit(f"contest:voting:rate:email:{keyed_hash('email', normalised)}", email_limit, email_seconds):
        raise VotingRefused(
            _("Too many vote requests for this e-mail address. Please check your mailbox or try again later."),
            "rate_limited_email",
        )


# --- Counts ------------------------------------------------------------------------------------------------------


def _counts_version_key(edition_id):
    return f"contest:voting:counts-version:{edition_id}"


def _bump_counts(edition_id):
    """Make every cached count of the edition stale: readers then recount once and cache under the new version."""
    key = _counts_version_key(edition_id)
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def vote_counts(edition):
    """{entry_id: number of valid votes} for the edition, from the cache when a vote has not changed it since.

    A version number in the key (bumped on every vote and invalidation) means a reader who counted just before a
    vote cannot cache a stale figure under the current key.
    """
    version = cache.get(_counts_version_key(edition.pk), 0)
    key = f"contest:voting:counts:{edition.pk}:{version}"
    counts = cache.get(key)
    if counts is None:
        counts = dict(
            Vote.objects.filter(edition=edition, is_valid=True)
            .values_list("entry_id")
            .annotate(total=Count("pk"))
            .order_by()
        )
        cache.set(key, counts, setting("VOTE_COUNTS_CACHE_SECONDS", 300))
    return counts


def readers_choice(edition):
    """Every entry open to the vote with its valid votes, best first, ranked with ties sharing a rank.

    Returns a list of dicts {entry, votes, rank, wins}; `wins` marks the ranks inside the readers' choice prize
    tiers' total count (ties at the boundary all win: the organisers decide how to split).
    """
    counts = vote_counts(edition)
    rows = sorted(
        (
            {"entry": candidate.entry, "votes": counts.get(candidate.entry_id, 0)}
            for candidate in open_candidates(edition)
        ),
        key=lambda row: (-row["votes"], row["entry"].receipt_number),
    )
    prizes = sum(tier.count for tier in edition.prize_tiers.all() if tier.is_readers_choice)
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row["votes"] != previous:
            rank, previous = position, row["votes"]
        row["rank"] = rank
        row["wins"] = bool(prizes) and row["votes"] > 0 and rank <= prizes
    return rows


# --- Casting -----------------------------------------------------------------------------------------------------


def _check_max_entries(rules, voter, entry):
    if not rules.max_entries_per_voter:
        return
    others = Vote.objects.filter(voter=voter).exclude(entry=entry).values("entry").distinct().count()
    if others >= rules.max_entries_per_voter:
        raise VotingRefused(
            ngettext(
                "You have already voted for %(count)d entry, the most this edition allows.",
                "You have already voted for %(count)d entries, the most this edition allows.",
                others,
            )
            % {"count": others},
            "max_entries",
        )


def _cast(*, edition, voter, entry, hashes, request=None, now, voter_locked=False):
    """Create the vote, or refuse; runs inside the caller's transaction (which a refusal rolls back whole).

    `voter_locked`: the caller already holds the voter's row lock (taken in the query that loaded it).
    """
    rules = rules_for(edition)
    check_window(edition, now)
    if not _entry_open_to_vote(edition, entry):
        raise VotingRefused(_("This entry is not open to the vote."), "not_candidate")
    if rules.max_entries_per_voter:
        # The lock makes the "how many entries so far" decision one voter at a time (a no-op on SQLite, whose
        # immediate transactions already queue writers). Without a per-voter limit there is nothing to decide:
        # the unique constraint alone keeps one vote per (voter, entry, window).
        if not voter_locked:
            Voter.objects.select_for_update().filter(pk=voter.pk).first()
        _check_max_entries(rules, voter, entry)
    window = window_key(rules, now)
    try:
        # No savepoint of its own: a duplicate refuses, and every caller lets that refusal leave its atomic block,
        # which rolls the whole attempt back (the claim of a request included).
        vote = Vote.objects.create(
            edition=edition,
            voter=voter,
            entry=entry,
            window=window,
            request=request,
            cast_at=now,
            ip_hash=hashes.ip_hash,
            network_hash=hashes.network_hash,
            user_agent_hash=hashes.user_agent_hash,
        )
    except IntegrityError:
        if window == WHOLE_WINDOW:
            raise VotingRefused(_("You have already voted for this entry."), "already_voted") from None
        raise VotingRefused(
            _("You have already voted for this entry today. You may vote for it again tomorrow."), "already_voted"
        ) from None
    if voter.confirmed_at is None:
        Voter.objects.filter(pk=voter.pk, confirmed_at__isnull=True).update(confirmed_at=now)
        voter.confirmed_at = now
    transaction.on_commit(lambda: _bump_counts(edition.pk))
    return vote


def _already_voted_in_window(edition, voter, entry, now):
    return Vote.objects.filter(voter=voter, entry=entry, window=window_key(rules_for(edition), now)).exists()


def request_vote(*, edition, entry, email, ip, user_agent, confirm_url, now=None):
    """Record a vote waiting for confirmation and e-mail the reader a one-time link and a 6-digit code.

    `confirm_url` is the absolute URL of the link-confirmation route (the token is appended).
    Side effects: creates the Voter (unconfirmed) if new and a VoteRequest; queues one message (outbox) that is
    sent as soon as the transaction commits.
    Refuses (VotingRefused) outside the window, for an entry not open to the vote, or when this address already
    voted for the entry in the current window. Returns the VoteRequest.
    """
    now = now or timezone.now()
    check_window(edition, now)
    normalised = normalise_email(email)
    hashes = ClientHashes.of(ip, user_agent)
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(1_000_000):06d}"
    public_id = secrets.token_urlsafe(12)
    with transaction.atomic():
        voter, _created = Voter.objects.get_or_create(
            edition=edition,
            email_hash=keyed_hash("email", normalised),
            defaults={"email": normalised, "email_domain": email_domain(normalised)},
        )
        if _already_voted_in_window(edition, voter, entry, now):
            raise VotingRefused(_("This e-mail address has already voted for this entry."), "already_voted")
        _check_max_entries(rules_for(edition), voter, entry)
        vote_request = VoteRequest.objects.create(
            edition=edition,
            voter=voter,
            entry=entry,
            public_id=public_id,
            token_hash=keyed_hash("token", token),
            code_hash=keyed_hash("code", f"{public_id}:{code}"),
            expires_at=now + datetime.timedelta(minutes=setting("VOTE_CONFIRMATION_MINUTES", 30)),
            ip_hash=hashes.ip_hash,
            network_hash=hashes.network_hash,
            user_agent_hash=hashes.user_agent_hash,
        )
        # The message goes out as soon as this commits. It holds the one-time code, so it is given up rather than
        # retried once the request has expired, and its text is wiped once sent; the purge deletes it.
        queue_message(
            messages.VOTE_CONFIRMATION.key,
            to=normalised,
            context={
                "edition": edition,
                "entry": entry,
                "link": f"{confirm_url}?t={token}",
                "code": code,
                "minutes": setting("VOTE_CONFIRMATION_MINUTES", 30),
            },
            related=voter,
            expires_at=vote_request.expires_at,
        )
    return vote_request


@dataclasses.dataclass
class Confirmation:
    vote: Vote
    voter: Voter
    # True when this request had already been confirmed (a second click, or one of many concurrent ones).
    already: bool = False


def _from_request(vote_request, now, *, voter_locked=False):
    hashes = ClientHashes(vote_request.ip_hash, vote_request.network_hash, vote_request.user_agent_hash)
    return _cast(
        edition=vote_request.edition,
        voter=vote_request.voter,
        entry=vote_request.entry,
        hashes=hashes,
        request=vote_request,
        now=now,
        voter_locked=voter_locked,
    )


# What casting and the answer read of the edition, voter and entry: the rest (the page's ~40 columns, the entry's
# text and its author's details) would be compiled, fetched and turned into objects for nothing on the hot path.
_CONFIRMATION_FIELDS = (
    *(field.name for field in VoteRequest._meta.concrete_fields),
    "edition__live",
    "edition__url_path",
    "edition__voting_open",
    "edition__voting_close",
    *(f"edition__voting_rules__{field.name}" for field in VotingRules._meta.concrete_fields),
    "voter__edition",
    "voter__confirmed_at",
    "entry__edition",
    "entry__status",
    "entry__voting_candidate__edition",
    "entry__voting_candidate__is_open_to_vote",
)


def _requests_to_confirm():
    """Vote requests with all that casting needs, in one query: edition (with its rules), voter, entry, candidate."""
    return VoteRequest.objects.select_related(
        "edition", "edition__voting_rules", "voter", "entry", "entry__voting_candidate"
    ).only(*_CONFIRMATION_FIELDS)


def _one(queryset):
    """The first row, without the ORDER BY that first() adds (these lookups are by a unique key)."""
    return next(iter(queryset[:1]), None)


def _used_request(vote_request):
    vote = Vote.objects.filter(request=vote_request).select_related("voter").first()
    if vote is not None:
        return Confirmation(vote=vote, voter=vote.voter, already=True)
    raise VotingRefused(_("This confirmation has already been used."), "used")


def confirm_by_token(*, token, edition_id=None, now=None):
    """Confirm the vote whose one-time link carries `token`; exactly one vote however many times it is sent.

    The request is claimed with a conditional UPDATE (only one transaction can move used_at from empty), so
    concurrent confirmations of one link create one vote; the others get that vote back with already=True.
    `edition_id`, when given (the link names its edition), must be the request's. The claimed request is then read
    with everything casting needs and its voter's row locked, in one query.
    """
    now = now or timezone.now()
    token_hash = keyed_hash("token", token or "")
    with transaction.atomic():
        claimed = VoteRequest.objects.filter(token_hash=token_hash, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        requests = _requests_to_confirm().filter(token_hash=token_hash)
        if claimed:
            # The voter's lock taken here serves the per-voter limit (see _cast), without a query of its own.
            requests = requests.select_for_update(of=("voter",))
        vote_request = _one(requests)
        if vote_request is None or not _confirmable_here(vote_request, edition_id):
            raise VotingRefused(_("This confirmation link is not valid."), "invalid")
        if not claimed:
            if vote_request.used_at:
                return _used_request(vote_request)
            raise VotingRefused(_("This confirmation has expired. Please vote again."), "expired")
        vote = _from_request(vote_request, now, voter_locked=True)
        return Confirmation(vote=vote, voter=vote_request.voter)


def _confirmable_here(vote_request, edition_id):
    """A request confirms only under its own edition, and only while that edition's page is published."""
    return vote_request.edition.live and (edition_id is None or vote_request.edition_id == edition_id)


def confirm_by_code(*, public_id, code, now=None):
    """Confirm the vote request `public_id` with the 6-digit `code` from the e-mail; a few wrong tries end it."""
    now = now or timezone.now()
    max_attempts = setting("VOTE_CODE_ATTEMPTS", 5)
    wrong = False
    with transaction.atomic():
        vote_request = _one(_requests_to_confirm().select_for_update(of=("self", "voter")).filter(public_id=public_id))
        if vote_request is None:
            raise VotingRefused(_("This confirmation is not valid."), "invalid")
        if vote_request.used_at:
            return _used_request(vote_request)
        if vote_request.expires_at <= now:
            raise VotingRefused(_("This confirmation has expired. Please vote again."), "expired")
        if vote_request.code_attempts >= max_attempts:
            raise VotingRefused(_("Too many wrong codes. Please vote again to get a new code."), "attempts")
        expected = keyed_hash("code", f"{public_id}:{(code or '').strip()}")
        if not constant_time_compare(expected, vote_request.code_hash):
            # Counted in its own committed transaction: the refusal below must not roll the attempt back.
            VoteRequest.objects.filter(pk=vote_request.pk).update(code_attempts=vote_request.code_attempts + 1)
            wrong = True
        else:
            claimed = VoteRequest.objects.filter(pk=vote_request.pk, used_at__isnull=True).update(used_at=now)
            if not claimed:
                return _used_request(vote_request)
            vote = _from_request(vote_request, now, voter_locked=True)
            return Confirmation(vote=vote, voter=vote_request.voter)
    if wrong:
        raise VotingRefused(_("The code is not correct. Please check the e-mail and try again."), "wrong_code")


def session_voter(edition, voter_id):
    """The confirmed voter a signed session names, if it still belongs to this edition and was not purged."""
    return Voter.objects.filter(
        pk=voter_id, edition=edition, confirmed_at__isnull=False, purged_at__isnull=True
    ).first()


def vote_in_session(*, edition, voter, entry, ip, user_agent, now=None):
    """A confirmed reader votes for another entry without a new e-mail; same rules as a confirmed request."""
    now = now or timezone.now()
    with transaction.atomic():
        return _cast(edition=edition, voter=voter, entry=entry, hashes=ClientHashes.of(ip, user_agent), now=now)


# --- Organisers --------------------------------------------------------------------------------------------------


def invalidate_votes(*, vote_ids, user, reason, now=None):
    """Mark the given valid votes invalid with a reason; they leave the counts and stay in the ledger.

    Side effects: one audit-log entry `contest.vote.invalidated` per vote; the counts' cache is refreshed.
    Returns how many votes changed (already invalid ones are left as they were).
    """
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValueError("An invalidation needs a reason.")
    with transaction.atomic():
        votes = list(Vote.objects.select_for_update().filter(pk__in=list(vote_ids), is_valid=True).order_by("pk"))
        for vote in votes:
            vote.is_valid = False
            vote.invalidated_at = now
            vote.invalidated_by = user
            vote.invalidation_reason = reason
            vote.save(update_fields=["is_valid", "invalidated_at", "invalidated_by", "invalidation_reason"])
            log(vote, VOTE_INVALIDATED, user=user, data={"reason": reason, "entry": vote.entry_id})
        for edition_id in {vote.edition_id for vote in votes}:
            transaction.on_commit(lambda edition_id=edition_id: _bump_counts(edition_id))
    return len(votes)


def open_finalists_to_vote(*, edition, user=None):
    """Add every finalist of the edition to the vote (one action); returns how many were added."""
    added = 0
    with transaction.atomic():
        taken = set(VotingCandidate.objects.filter(edition=edition).values_list("entry_id", flat=True))
        finalists = Entry.objects.filter(edition=edition, status=EntryStatus.FINALIST).exclude(pk__in=taken)
        position = VotingCandidate.objects.filter(edition=edition).count()
        for entry in finalists.order_by("receipt_number"):
            candidate = VotingCandidate.objects.create(edition=edition, entry=entry, sort_order=position)
            position += 1
            added += 1
            log(candidate, CANDIDATE_ADDED, user=user, data={"entry": entry.pk, "code": entry.code})
    return added


def editions_past_retention(now=None):
    """Editions whose voting closed more than their retention period ago."""
    now = now or timezone.now()
    for edition in ContestPage.objects.filter(voting_close__isnull=False, voting_close__lt=now).order_by("pk"):
        rules = rules_for(edition)
        if edition.voting_close + datetime.timedelta(days=rules.retention_days) <= now:
            yield edition


def purge_voter_data(*, edition, now=None):
    """Remove voters' personal data for `edition` (addresses, network and browser hashes, pending requests, the
    confirmation messages sent to them).

    Votes stay (so counts and the readers' choice result do not change); they keep their entry, time and validity.
    Returns (voters purged, votes scrubbed, requests deleted).
    """
    now = now or timezone.now()
    with transaction.atomic():
        voters = Voter.objects.filter(edition=edition, purged_at__isnull=True).update(
            email="", email_hash=None, purged_at=now
        )
        votes = Vote.objects.filter(edition=edition).exclude(ip_hash="", network_hash="", user_agent_hash="")
        scrubbed = votes.update(ip_hash="", network_hash="", user_agent_hash="")
        requests, _detail = VoteRequest.objects.filter(edition=edition).delete()
        delete_messages_about(Voter.objects.filter(edition=edition))
        transaction.on_commit(lambda: _bump_counts(edition.pk))
    return voters, scrubbed, requests
