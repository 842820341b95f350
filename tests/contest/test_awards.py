"""Verification, prizes and results: tier counts, the confirmation gate, release all at once, mail never undoes."""

import pytest

from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from contest.models import Award, ResultsRelease, Verification
from contest.services.awards import (
    AwardRefused,
    assign_award,
    override_verification,
    record_verification,
    release_results,
)
from contest.statuses import EntryStatus
from outbox.models import OutgoingMessage

from .builders import make_edition, make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    user = User.objects.create_user("btc", password="mat-khau-dai-12")
    user.groups.add(Group.objects.get(name="Ban Tổ chức"))
    return user


@pytest.fixture
def edition(home_page):
    return make_edition(home_page, tiers=(("Giải Nhất", 1, 30_000_000), ("Giải Nhì", 2, 20_000_000)))


def confirmed_finalist(edition, organiser, **fields):
    entry = make_entry(edition, status=EntryStatus.FINALIST, **fields)
    record_verification(
        entry,
        user=organiser,
        locality=entry.subject_locality,
        letter_number="12/BTC",
        letter_date=timezone.localdate(),
        outcome=Verification.Outcome.CONFIRMED,
        answered_on=timezone.localdate(),
    )
    return entry


def test_a_prize_beyond_the_tier_count_is_refused(edition, organiser):
    first_prize = edition.prize_tiers.get(name="Giải Nhất")
    winner = confirmed_finalist(edition, organiser)
    runner_up = confirmed_finalist(edition, organiser)
    assign_award(winner, first_prize, user=organiser)
    with pytest.raises(AwardRefused, match="Đã đủ 1 suất"):
        assign_award(runner_up, first_prize, user=organiser)
    assert Award.objects.filter(tier=first_prize).count() == 1


def test_an_unconfirmed_entry_needs_a_recorded_override(edition, organiser):
    tier = edition.prize_tiers.get(name="Giải Nhì")
    entry = make_entry(edition, status=EntryStatus.FINALIST)
    with pytest.raises(AwardRefused):
        assign_award(entry, tier, user=organiser)
    verification = record_verification(
        entry,
        user=organiser,
        locality=entry.subject_locality,
        outcome=Verification.Outcome.NOT_CONFIRMED,
        answered_on=timezone.localdate(),
    )
    with pytest.raises(AwardRefused):
        override_verification(verification, user=organiser, reason="   ")
    override_verification(verification, user=organiser, reason="Địa phương sáp nhập, đã xác minh trực tiếp")
    award = assign_award(entry, tier, user=organiser)
    assert award.slot == 1
    verification.refresh_from_db()
    assert verification.overridden_by == organiser


def test_ineligible_or_foreign_entries_cannot_be_awarded(edition, organiser, home_page):
    tier = edition.prize_tiers.get(name="Giải Nhì")
    withdrawn = make_entry(edition, status=EntryStatus.WITHDRAWN)
    with pytest.raises(AwardRefused):
        assign_award(withdrawn, tier, user=organiser)
    other = make_edition(home_page, year=2023)
    foreign = confirmed_finalist(other, organiser)
    with pytest.raises(AwardRefused):
        assign_award(foreign, tier, user=organiser)


def test_the_request_letter_tells_the_author_once(edition, organiser, django_capture_on_commit_callbacks):
    entry = make_entry(edition, status=EntryStatus.FINALIST)
    with django_capture_on_commit_callbacks(execute=True):
        record_verification(
            entry,
            user=organiser,
            locality=entry.subject_locality,
            letter_number="7/BTC",
            letter_date=timezone.localdate(),
            outcome=Verification.Outcome.PENDING,
        )
    with django_capture_on_commit_callbacks(execute=True):
        record_verification(
            entry,
            user=organiser,
            locality=entry.subject_locality,
            letter_number="7/BTC",
            letter_date=timezone.localdate(),
            outcome=Verification.Outcome.CONFIRMED,
            answered_on=timezone.localdate(),
        )
    assert [m.to for m in mail.outbox] == [[entry.author_email]]
    assert "7/BTC" in mail.outbox[0].body


def test_results_are_hidden_until_released_then_show_winners(
    client, edition, organiser, django_capture_on_commit_callbacks
):
    winner = confirmed_finalist(edition, organiser, title="Người giữ lửa ở Tân Ninh")
    make_entry(edition, status=EntryStatus.INELIGIBLE)
    assign_award(winner, edition.prize_tiers.get(name="Giải Nhất"), user=organiser)
    before = client.get("/cuoc-thi/2025/ket-qua/")
    assert before.status_code == 200
    assert "Người giữ lửa ở Tân Ninh" not in before.content.decode()
    assert 'name="robots" content="noindex"' in before.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        release_results(edition, user=organiser)
    html = client.get("/cuoc-thi/2025/ket-qua/").content.decode()
    assert "Người giữ lửa ở Tân Ninh" in html and "Giải Nhất" in html
    assert "<strong>2</strong>" in html  # entries received (the ineligible one counts)
    winner.refresh_from_db()
    assert winner.status == EntryStatus.AWARDED
    assert len(mail.outbox) == 1 and "Giải Nhất" in mail.outbox[0].subject


def test_prizes_cannot_change_after_release(edition, organiser):
    winner = confirmed_finalist(edition, organiser)
    assign_award(winner, edition.prize_tiers.get(name="Giải Nhất"), user=organiser)
    release_results(edition, user=organiser)
    with pytest.raises(AwardRefused):
        release_results(edition, user=organiser)
    with pytest.raises(AwardRefused):
        assign_award(confirmed_finalist(edition, organiser), edition.prize_tiers.get(name="Giải Nhì"), user=organiser)


@pytest.mark.django_db(transaction=True)
def test_a_refusing_mail_server_leaves_the_prize_saved_and_the_message_queued(home_page):
    organiser = User.objects.create_user("btc2", password="mat-khau-dai-12", is_superuser=True)
    edition = make_edition(home_page)
    winner = confirmed_finalist(edition, organiser)
    assign_award(winner, edition.prize_tiers.get(name="Giải Nhất"), user=organiser)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=9,
        EMAIL_TIMEOUT=2,
    ):
        release_results(edition, user=organiser)
    assert ResultsRelease.objects.filter(edition=edition).exists()
    assert Award.objects.get(entry=winner).released_at is not None
    message = OutgoingMessage.objects.get(kind="contest.prize")
    assert message.status == OutgoingMessage.Status.FAILED and message.next_attempt_at is not None


def test_awards_screen_is_for_organisers_only(client, edition, organiser):
    url = f"/admin/contest/prizes/{edition.pk}/"
    editor = User.objects.create_user("editor", password="mat-khau-dai-12")
    editor.groups.add(Group.objects.get(name="Editors"))
    judge = User.objects.create_user("judge", password="mat-khau-dai-12")
    judge.groups.add(Group.objects.get(name="Ban Giám khảo"))
    for user in (editor, judge):
        client.force_login(user)
        assert client.get(url).status_code in (302, 403)
    client.force_login(organiser)
    assert client.get(url).status_code == 200


def test_awards_screen_assigns_through_the_form_and_shows_refusals(client, edition, organiser):
    entry = confirmed_finalist(edition, organiser)
    unconfirmed = make_entry(edition, status=EntryStatus.FINALIST)
    client.force_login(organiser)
    tier = edition.prize_tiers.get(name="Giải Nhì")
    url = f"/admin/contest/prizes/{edition.pk}/"
    client.post(url, {"action": "assign", "entry": entry.pk, "tier": tier.pk})
    assert Award.objects.filter(entry=entry, tier=tier).exists()
    response = client.post(url, {"action": "assign", "entry": unconfirmed.pk, "tier": tier.pk}, follow=True)
    assert "chưa xác nhận" in response.content.decode()
    assert not Award.objects.filter(entry=unconfirmed).exists()


def test_awards_screen_query_count_does_not_grow(client, edition, organiser, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(organiser)
    url = f"/admin/contest/prizes/{edition.pk}/"
    confirmed_finalist(edition, organiser)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(49):
        confirmed_finalist(edition, organiser)
    with CaptureQueriesContext(connection) as fifty:
        client.get(url)
    assert len(one.captured_queries) == len(fifty.captured_queries)


def test_request_letter_is_filled_from_the_subject(client, edition, organiser):
    entry = make_entry(
        edition, status=EntryStatus.FINALIST, subject_name="Hợp tác xã Tân Hòa", subject_kind="collective"
    )
    client.force_login(organiser)
    html = client.get(f"/admin/contest/prizes/entries/{entry.pk}/letter/").content.decode()
    assert "Hợp tác xã Tân Hòa" in html and entry.code in html and "tập thể" in html


def test_certificate_of_a_released_prize(client, edition, organiser):
    winner = confirmed_finalist(edition, organiser, title="Ngọn đèn nơi biên giới", author_name="Lê Thị Hoa")
    award = assign_award(winner, edition.prize_tiers.get(name="Giải Nhất"), user=organiser)
    client.force_login(organiser)
    url = f"/admin/contest/prizes/awards/{award.pk}/certificate/"
    assert client.get(url).status_code == 404  # not before the release
    release_results(edition, user=organiser)
    html = client.get(url).content.decode()
    for text in ("GIẤY CHỨNG NHẬN", "Ngọn đèn nơi biên giới", "Lê Thị Hoa", "GIẢI NHẤT", edition.title):
        assert text in html
