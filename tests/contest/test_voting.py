"""The readers' vote: requesting, confirming, voting again in a session, the rules, refusals, counts and purge."""
# ruff: noqa: F811  (pytest fixtures imported from fixtures_voting are parameters by design)

import datetime
import re
from urllib.error import URLError

import pytest

from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import ModelLogEntry

from contest.models import PerEntryRule, Vote, Voter, VoteRequest, VotingCandidate, VotingRules
from contest.services import voting
from contest.services.voting import VotingRefused
from contest.statuses import EntryStatus
from contest.voting_email import is_disposable, normalise_email

from .fixtures_voting import add_photo, edition, entries, make_edition, make_entry  # noqa: F401

pytestmark = pytest.mark.django_db

GALLERY = "/cuoc-thi/2025/binh-chon/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def entry_url(entry):
    return f"{GALLERY}{entry.pk}/"


def ask(client, entry, email, capture, **extra):
    """POST the vote form and return (response, link path, code) from the e-mail."""
    before = len(mail.outbox)
    with capture(execute=True):
        response = client.post(entry_url(entry), {"email": email}, **extra)
    if len(mail.outbox) == before:
        return response, None, None
    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/\S+)", body).group(1)
    code = re.search(r"\b(\d{6})\b", body).group(1)
    return response, link, code


def confirm_link(client, link):
    path, token = link.split("?t=")
    return client.post(path, {"t": token})


def page_text(response):
    return response.content.decode()


def messages_of(client, response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- E-mail addresses -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("An.Nguyen+binhchon@Gmail.com", "annguyen@gmail.com"),
        ("a.n.nguyen@googlemail.com", "annguyen@gmail.com"),
        ("Mai+tag@outlook.com", "mai@outlook.com"),
        ("mai.lan+x@yahoo.com", "mai.lan+x@yahoo.com"),
        ("Tran.Binh+abc@taynin.gov.vn", "tran.binh+abc@taynin.gov.vn"),
    ],
)
def test_addresses_are_normalised_per_provider(given, expected):
    assert normalise_email(given) == expected


def test_disposable_domains_and_their_subdomains_are_recognised():
    assert is_disposable("x@mailinator.com")
    assert is_disposable("x@eu.mailinator.com")
    assert not is_disposable("x@gmail.com")


# --- The journey through the views ------------------------------------------------------------------------------


def test_request_sends_a_link_and_a_code_and_counts_nothing_until_confirmed(
    client, entries, django_capture_on_commit_callbacks
):
    response, link, code = ask(client, entries[0], "Reader@Example.vn", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert mail.outbox[0].to == ["reader@example.vn"]
    assert "Xác nhận" in mail.outbox[0].subject
    assert link and code
    assert Vote.objects.count() == 0
    request = VoteRequest.objects.get()
    assert code not in request.code_hash and link.split("?t=")[1] not in request.token_hash

    response = confirm_link(client, link)
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert vote.entry == entries[0] and vote.is_valid and vote.window == "once"
    assert vote.voter.confirmed_at is not None
    # The raw address and agent never reach the vote: only keyed hashes.
    assert len(vote.ip_hash) == 64 and "127.0.0.1" not in vote.ip_hash
    assert f"gnt_vote_{entries[0].edition_id}" in response.cookies

    # The link is single use: a second press confirms nothing new and grants no session.
    second = confirm_link(client.__class__(), link)
    assert second.status_code == 302
    assert Vote.objects.count() == 1


def test_code_confirms_and_wrong_codes_run_out(client, entries, django_capture_on_commit_callbacks, settings):
    settings.VOTE_CODE_ATTEMPTS = 2
    response, _link, code = ask(client, entries[0], "ban.doc@example.vn", django_capture_on_commit_callbacks)
    code_page = response["Location"]
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(code_page, {"code": wrong})
    assert response.status_code == 400
    assert "Mã xác nhận không đúng" in page_text(response)
    client.post(code_page, {"code": wrong})
    response = client.post(code_page, {"code": code})
    assert "Nhập sai mã quá nhiều lần" in page_text(response)
    assert Vote.objects.count() == 0

    response, _link, code = ask(client, entries[1], "ban.doc@example.vn", django_capture_on_commit_callbacks)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert Vote.objects.filter(entry=entries[1]).count() == 1


def test_confirmed_reader_votes_for_another_entry_without_confirming_and_not_twice_for_one(
    client, entries, django_capture_on_commit_callbacks
):
    _response, link, _code = ask(client, entries[0], "ban.doc@example.vn", django_capture_on_commit_callbacks)
    confirm_link(client, link)
    sent = len(mail.outbox)

    response = client.post(entry_url(entries[1]), {}, follow=True)
    assert "Cảm ơn bạn! Phiếu bình chọn cho" in page_text(response)
    assert len(mail.outbox) == sent
    assert Vote.objects.filter(entry=entries[1]).count() == 1

    response = client.post(entry_url(entries[0]), {}, follow=True)
    assert "Bạn đã bình chọn cho bài viết này rồi." in page_text(response)
    assert Vote.objects.filter(entry=entries[0]).count() == 1


def test_the_same_address_in_another_form_is_the_same_voter(client, entries, django_capture_on_commit_callbacks):
    _response, link, _code = ask(client, entries[0], "an.nguyen@gmail.com", django_capture_on_commit_callbacks)
    confirm_link(client.__class__(), link)
    response, link, _code = ask(
        client.__class__(), entries[0], "AnNguyen+lan2@googlemail.com", django_capture_on_commit_callbacks
    )
    assert link is None
    assert "Địa chỉ e-mail này đã bình chọn cho bài viết này." in page_text(response)
    assert Voter.objects.count() == 1


def test_max_entries_per_voter(client, edition, entries, django_capture_on_commit_callbacks):
    VotingRules.objects.filter(edition=edition).update(max_entries_per_voter=2)
    _response, link, _code = ask(client, entries[0], "ban.doc@example.vn", django_capture_on_commit_callbacks)
    confirm_link(client, link)
    client.post(entry_url(entries[1]))
    response = client.post(entry_url(entries[2]), follow=True)
    assert "Bạn đã bình chọn cho 2 bài viết, số tối đa" in page_text(response)
    assert Vote.objects.count() == 2


def test_once_per_day_allows_a_new_vote_the_next_day(edition, entries):
    VotingRules.objects.filter(edition=edition).update(per_entry=PerEntryRule.DAILY)
    edition.refresh_from_db()
    voter = Voter.objects.create(
        edition=edition, email="a@example.vn", email_hash="h", email_domain="example.vn", confirmed_at=timezone.now()
    )
    today = timezone.now()
    voting.vote_in_session(edition=edition, voter=voter, entry=entries[0], ip="1.2.3.4", user_agent="x", now=today)
    with pytest.raises(VotingRefused, match="Hôm nay"):
        voting.vote_in_session(edition=edition, voter=voter, entry=entries[0], ip="1.2.3.4", user_agent="x", now=today)
    tomorrow = today + datetime.timedelta(days=1)
    voting.vote_in_session(edition=edition, voter=voter, entry=entries[0], ip="1.2.3.4", user_agent="x", now=tomorrow)
    assert Vote.objects.filter(entry=entries[0]).count() == 2


# --- Refusals ---------------------------------------------------------------------------------------------------


def test_disposable_address_is_refused_in_vietnamese(client, entries, django_capture_on_commit_callbacks):
    response, link, _code = ask(client, entries[0], "bot@mailinator.com", django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert link is None
    assert "Không thể dùng địa chỉ e-mail tạm thời" in page_text(response)
    assert not VoteRequest.objects.exists()


def test_vote_after_the_window_is_refused_in_vietnamese(client, home_page, django_capture_on_commit_callbacks):
    closed = make_edition(home_page, opens_in=-datetime.timedelta(days=10), lasts=datetime.timedelta(days=2))
    entry = make_entry(closed, 1)
    response, link, _code = ask(client, entry, "ban.doc@example.vn", django_capture_on_commit_callbacks)
    assert link is None
    assert "Đã hết thời gian bình chọn" in page_text(response)
    assert not Vote.objects.exists()


def test_vote_before_the_window_is_refused_in_vietnamese(client, home_page):
    upcoming = make_edition(home_page, opens_in=datetime.timedelta(days=3))
    entry = make_entry(upcoming, 1)
    response = client.get(GALLERY)
    assert "Bình chọn của bạn đọc bắt đầu lúc" in page_text(response)
    assert entry.title not in page_text(response)
    assert client.post(entry_url(entry), {"email": "a@example.vn"}).status_code == 404
    with pytest.raises(VotingRefused, match="Chưa đến thời gian bình chọn"):
        voting.request_vote(
            edition=upcoming, entry=entry, email="a@example.vn", ip="1.1.1.1", user_agent="", confirm_url="x"
        )


def test_confirmation_after_the_window_closes_counts_nothing(entries, edition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        voting.request_vote(
            edition=edition, entry=entries[0], email="a@example.vn", ip="1.1.1.1", user_agent="", confirm_url="x"
        )
    token = re.search(r"\?t=(\S+)", mail.outbox[-1].body).group(1)
    closes = timezone.now() + datetime.timedelta(minutes=5)
    type(edition).objects.filter(pk=edition.pk).update(voting_close=closes)
    with pytest.raises(VotingRefused, match="Đã hết thời gian bình chọn"):
        voting.confirm_by_token(token=token, now=closes + datetime.timedelta(minutes=1))
    assert not Vote.objects.exists()


def test_rate_limit_per_ip_refuses_in_vietnamese(client, entries, settings, django_capture_on_commit_callbacks):
    settings.VOTE_RATE_LIMIT_PER_IP = (2, 3600)
    for number in range(2):
        response, link, _code = ask(client, entries[0], f"ban{number}@example.vn", django_capture_on_commit_callbacks)
        assert link
    response, link, _code = ask(client, entries[0], "ban9@example.vn", django_capture_on_commit_callbacks)
    assert link is None
    assert "Quá nhiều yêu cầu bình chọn từ mạng của bạn" in page_text(response)
    # Another network is not affected.
    _response, link, _code = ask(
        client, entries[0], "ban8@example.vn", django_capture_on_commit_callbacks, REMOTE_ADDR="10.9.8.7"
    )
    assert link


def test_rate_limit_per_address_refuses_in_vietnamese(client, entries, settings, django_capture_on_commit_callbacks):
    settings.VOTE_RATE_LIMIT_PER_EMAIL = (1, 3600)
    _response, link, _code = ask(client, entries[0], "ban.doc@gmail.com", django_capture_on_commit_callbacks)
    assert link
    response, link, _code = ask(
        client, entries[1], "Ban.Doc+2@gmail.com", django_capture_on_commit_callbacks, REMOTE_ADDR="10.0.0.2"
    )
    assert link is None
    assert "Quá nhiều yêu cầu bình chọn cho địa chỉ e-mail này" in page_text(response)


def test_entry_not_open_to_the_vote_is_not_shown_nor_votable(client, edition, entries):
    hidden = make_entry(edition, 9, open_to_vote=False)
    withdrawn = make_entry(edition, 10, status=EntryStatus.WITHDRAWN)
    text = page_text(client.get(GALLERY))
    assert hidden.title not in text and withdrawn.title not in text
    assert client.get(entry_url(hidden)).status_code == 404
    assert client.get(entry_url(withdrawn)).status_code == 404


def test_captcha_network_failure_is_a_form_error_not_a_500(
    client, entries, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.RECAPTCHA_ENABLED = True
    settings.RECAPTCHA_PUBLIC_KEY = "public"
    settings.RECAPTCHA_PRIVATE_KEY = "private"

    def unreachable(**kwargs):
        raise URLError("network is unreachable")

    monkeypatch.setattr("django_recaptcha.fields.client.submit", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(entry_url(entries[0]), {"email": "ban.doc@example.vn", "g-recaptcha-response": "x"})
    assert response.status_code == 400
    assert "Chưa kiểm tra được" in page_text(response)
    assert not mail.outbox


def test_captcha_passes_when_google_says_yes(
    client, entries, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.RECAPTCHA_ENABLED = True
    settings.RECAPTCHA_PUBLIC_KEY = "public"
    settings.RECAPTCHA_PRIVATE_KEY = "private"
    from django_recaptcha.client import RecaptchaResponse

    monkeypatch.setattr(
        "django_recaptcha.fields.client.submit", lambda **kwargs: RecaptchaResponse(is_valid=True, extra_data={})
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(entry_url(entries[0]), {"email": "ban.doc@example.vn", "g-recaptcha-response": "ok"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


# --- Counts, invalidation, the ledger ---------------------------------------------------------------------------


def cast(edition, entry, number, **kwargs):
    voter = Voter.objects.create(
        edition=edition,
        email=f"v{number}@example.vn",
        email_hash=f"hash-{number}",
        email_domain="example.vn",
        confirmed_at=timezone.now(),
    )
    return voting.vote_in_session(
        edition=edition, voter=voter, entry=entry, ip=f"10.0.{number // 250}.{number % 250}", user_agent="UA", **kwargs
    )


def test_counts_equal_a_direct_count_and_follow_votes_and_invalidations(
    edition, entries, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        votes = [cast(edition, entries[number % 3], number) for number in range(12)]
    direct = {entry.pk: Vote.objects.filter(entry=entry, is_valid=True).count() for entry in entries}
    counts = voting.vote_counts(edition)
    assert (
        {pk: counts.get(pk, 0) for pk in direct}
        == direct
        == {entries[0].pk: 4, entries[1].pk: 4, entries[2].pk: 4, entries[3].pk: 0}
    )

    with django_capture_on_commit_callbacks(execute=True):
        changed = voting.invalidate_votes(
            vote_ids=[votes[0].pk, votes[3].pk], user=admin_user, reason="Cùng một mạng trong 1 phút"
        )
    assert changed == 2
    counts = voting.vote_counts(edition)
    assert counts[entries[0].pk] == 2 == Vote.objects.filter(entry=entries[0], is_valid=True).count()
    # Invalidated votes stay in the ledger, with who, when and why.
    kept = Vote.objects.get(pk=votes[0].pk)
    assert not kept.is_valid and kept.invalidated_by == admin_user and kept.invalidation_reason
    log = ModelLogEntry.objects.get(action="contest.vote.invalidated", object_id=str(votes[0].pk))
    assert log.data["reason"] == "Cùng một mạng trong 1 phút"
    # A second invalidation of the same vote changes nothing and logs nothing.
    assert voting.invalidate_votes(vote_ids=[votes[0].pk], user=admin_user, reason="lại") == 0
    assert ModelLogEntry.objects.filter(action="contest.vote.invalidated").count() == 2


def test_counts_are_served_from_the_cache_until_a_vote(
    edition, entries, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cast(edition, entries[0], 1)
    assert voting.vote_counts(edition) == {entries[0].pk: 1}
    with django_assert_num_queries(0):
        assert voting.vote_counts(edition) == {entries[0].pk: 1}
    with django_capture_on_commit_callbacks(execute=True):
        cast(edition, entries[0], 2)
    assert voting.vote_counts(edition) == {entries[0].pk: 2}


def test_counts_hidden_until_close_or_shown_live(client, edition, entries, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cast(edition, entries[0], 1)
    assert "voting-card__count" not in page_text(client.get(GALLERY))
    VotingRules.objects.filter(edition=edition).update(counts_visibility="live")
    assert "voting-card__count" in page_text(client.get(GALLERY))


def test_readers_choice_ranks_valid_votes_with_ties(edition, entries, django_capture_on_commit_callbacks):
    edition.prize_tiers.create(name="Giải bạn đọc", count=1, amount=2_000_000, is_readers_choice=True)
    with django_capture_on_commit_callbacks(execute=True):
        for number, entry in enumerate([entries[1], entries[1], entries[2], entries[2], entries[0]]):
            cast(edition, entry, number)
    rows = voting.readers_choice(edition)
    assert [(row["entry"], row["votes"], row["rank"], row["wins"]) for row in rows] == [
        (entries[1], 2, 1, True),
        (entries[2], 2, 1, True),
        (entries[0], 1, 3, False),
        (entries[3], 0, 4, False),
    ]


def test_finalists_are_opened_to_the_vote_in_one_action(edition, admin_user):
    finalists = [make_entry(edition, n, open_to_vote=False) for n in (1, 2)]
    make_entry(edition, 3, status=EntryStatus.ELIGIBLE, open_to_vote=False)
    assert voting.open_finalists_to_vote(edition=edition, user=admin_user) == 2
    assert set(VotingCandidate.objects.values_list("entry", flat=True)) == {e.pk for e in finalists}
    assert voting.open_finalists_to_vote(edition=edition, user=admin_user) == 0
    assert ModelLogEntry.objects.filter(action="contest.vote.candidate_added").count() == 2


# --- Pages: fixed queries, photos -------------------------------------------------------------------------------


def gallery_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(GALLERY)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("live", [False, True])
def test_gallery_has_a_fixed_number_of_queries(client, edition, live):
    if live:
        VotingRules.objects.filter(edition=edition).update(counts_visibility="live")
    first = make_entry(edition, 1)
    add_photo(first)
    client.get(GALLERY)  # warm Wagtail's site cache
    one = gallery_queries(client)
    for number in range(2, 51):
        add_photo(make_entry(edition, number))
    cache.clear()
    client.get(GALLERY)
    fifty_text = page_text(client.get(GALLERY))
    assert fifty_text.count('voting-card"') == 50
    cache.clear()
    client.get(GALLERY)
    assert gallery_queries(client) == one


def test_photo_is_served_only_for_entries_open_to_the_vote(client, edition, entries):
    photo = add_photo(entries[0])
    response = client.get(f"{entry_url(entries[0])}anh/{photo.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    hidden = make_entry(edition, 9, open_to_vote=False)
    hidden_photo = add_photo(hidden)
    assert client.get(f"{entry_url(hidden)}anh/{hidden_photo.pk}/").status_code == 404
    # Another entry's photo cannot be reached through an open entry's URL.
    assert client.get(f"{entry_url(entries[0])}anh/{hidden_photo.pk}/").status_code == 404


def test_entry_page_shows_the_whole_text_escaped(client, edition):
    entry = make_entry(edition, 1)
    entry.body = "Đoạn một <script>alert(1)</script>\n\nĐoạn hai kết thúc."
    entry.save()
    text = page_text(client.get(entry_url(entry)))
    assert "Đoạn hai kết thúc." in text
    assert "<script>alert(1)" not in text


# --- Personal data ----------------------------------------------------------------------------------------------


def test_purge_removes_personal_data_after_retention_and_keeps_counts(
    edition, entries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            cast(edition, entries[0], number)
        voting.request_vote(
            edition=edition, entry=entries[1], email="cho@example.vn", ip="1.1.1.1", user_agent="", confirm_url="x"
        )
    VotingRules.objects.filter(edition=edition).update(retention_days=30)
    before = voting.vote_counts(edition)

    call_command("purge_voter_data")  # still inside retention: nothing happens
    assert Voter.objects.filter(purged_at__isnull=True).count() == 4

    ContestPageModel = type(edition)
    ContestPageModel.objects.filter(pk=edition.pk).update(
        voting_open=timezone.now() - datetime.timedelta(days=60),
        voting_close=timezone.now() - datetime.timedelta(days=31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_voter_data")
    assert not Voter.objects.exclude(email="").exists()
    assert not Voter.objects.filter(email_hash__isnull=False).exists()
    assert not Vote.objects.exclude(ip_hash="").exists()
    assert not VoteRequest.objects.exists()
    assert voting.vote_counts(edition) == before
    assert Vote.objects.count() == 3


def test_reader_address_behind_a_trusted_proxy(rf, settings):
    from config.middleware import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"
    # A client that forges fewer hops than there are proxies gets the address the proxy saw.
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.1"


def test_network_hash_groups_a_slash_24_and_a_slash_64():
    assert voting.network_of("203.0.113.77") == "203.0.113.0/24"
    assert voting.network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert voting.network_of("not an address") == ""
    same = voting.ClientHashes.of("203.0.113.1", "UA").network_hash
    assert same == voting.ClientHashes.of("203.0.113.200", "UA").network_hash
    assert same != voting.ClientHashes.of("203.0.114.1", "UA").network_hash


def test_entry_page_has_a_fixed_number_of_queries(client, edition):
    entry = make_entry(edition, 1)
    add_photo(entry)
    client.get(entry_url(entry))
    with CaptureQueriesContext(connection) as one:
        client.get(entry_url(entry))
    for _ in range(9):
        add_photo(entry)
    with CaptureQueriesContext(connection) as ten:
        text = page_text(client.get(entry_url(entry)))
    assert text.count("/lon/") == 10
    assert len(ten) == len(one)


def test_mail_failure_is_not_a_500(client, entries, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(entry_url(entries[0]), {"email": "ban.doc@example.vn"})
    assert response.status_code == 302
    assert VoteRequest.objects.count() == 1 and not Vote.objects.exists()


def test_gallery_card_shows_the_first_words_of_a_long_text_only(client, edition):
    entry = make_entry(edition, 1)
    words = [f"chữ{number}" for number in range(3000)]  # far beyond what the gallery reads of a text
    entry.body = " ".join(words)
    entry.save(update_fields=["body"])
    text = page_text(client.get(GALLERY))
    assert " ".join(words[:45]) + " …" in text
    assert words[45] not in text.split()
    assert words[-1] not in text


@pytest.mark.parametrize(
    ("text", "cut", "expected"),
    [
        ("một hai ba", False, "một hai ba"),
        ("một hai ba", True, "một hai …"),  # the start of a longer text: its last word may be cut short
        (" ".join(["chữ"] * 50), True, " ".join(["chữ"] * 45) + " …"),
    ],
)
def test_excerpt_of_a_text_or_of_its_start(text, cut, expected):
    from contest.voting_routes import excerpt

    assert excerpt(text, cut=cut) == expected
