"""Publication: a winner or finalist becomes a draft exemplar story, moderated, counted, and the author told once."""

import io

import pytest
from PIL import Image as PILImage

from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry, WorkflowState

from contest.models import Award, EntryPhoto, ResultsRelease, Verification, Vote, Voter, VotingCandidate
from contest.photos import process_photo
from contest.services import voting
from contest.services.awards import assign_award, record_verification, release_results
from contest.services.publication import PUBLISHED_AS_STORY, PublicationRefused, publish_entry_as_story
from contest.statuses import EntryStatus
from exemplar_pages.models import ExemplarKind, ExemplarPage
from exemplar_pages.services.progress import movement_progress
from outbox.models import OutgoingMessage
from outbox.services import messages_about
from tests.factories import (
    ExemplarIndexPageFactory,
    ExemplarPageFactory,
    MovementIndexPageFactory,
    MovementPageFactory,
    PlanIndexPageFactory,
    PlanPageFactory,
    add_target,
)

from .builders import make_edition, make_entry
from .fixtures_submission import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    user = User.objects.create_user("btc", password="mat-khau-dai-12")
    user.groups.add(Group.objects.get(name="Ban Tổ chức"))
    return user


@pytest.fixture
def moderator():
    return User.objects.create_superuser("bientap", "bientap@example.vn", "mat-khau-dai-12")


@pytest.fixture
def library(home_page):
    return ExemplarIndexPageFactory(parent=home_page)


@pytest.fixture
def culture_movement(home_page):
    plans = PlanIndexPageFactory(parent=home_page)
    movements = MovementIndexPageFactory(parent=home_page)
    movement = MovementPageFactory(
        parent=movements,
        title="Toàn dân đoàn kết xây dựng đời sống văn hóa",
        slug="doi-song-van-hoa",
        plan=PlanPageFactory(parent=plans),
    )
    add_target(movement, ExemplarKind.INDIVIDUAL, 5)
    return movement


@pytest.fixture
def edition(home_page):
    return make_edition(home_page, tiers=(("Giải Nhất", 1, 30_000_000), ("Giải Nhì", 2, 20_000_000)))


def add_photo(entry, number=1, caption=""):
    """A real camera-like JPEG with GPS EXIF, processed as the submission form does, stored privately."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    processed = process_photo(
        SimpleUploadedFile(f"{number}.jpg", jpeg_bytes(with_gps=True), content_type="image/jpeg"),
        max_bytes=5 * 1024 * 1024,
    )
    row = EntryPhoto(entry=entry, caption=caption, sha256=processed.sha256, sort_order=number - 1)
    row.image.save(f"{number:02d}.{processed.extension}", ContentFile(processed.content), save=False)
    row.thumbnail.save(f"{number:02d}-nho.{processed.extension}", ContentFile(processed.thumbnail), save=False)
    row.width, row.height = processed.width, processed.height
    row.save()
    return row


def released_winner(edition, organiser, **fields):
    entry = make_entry(edition, status=EntryStatus.FINALIST, consents_to_publication=True, **fields)
    record_verification(
        entry,
        user=organiser,
        locality=entry.subject_locality,
        letter_number="5/BTC",
        letter_date=timezone.localdate(),
        outcome=Verification.Outcome.CONFIRMED,
    )
    assign_award(entry, edition.prize_tiers.get(name="Giải Nhất"), user=organiser)
    release_results(edition, user=organiser)
    entry.refresh_from_db()
    return entry


def approve(page, moderator):
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    state.current_task_state.task.specific.on_action(state.current_task_state, moderator, "approve")


def test_publication_without_consent_is_refused(edition, organiser, library):
    entry = make_entry(edition, status=EntryStatus.FINALIST, consents_to_publication=False)
    with pytest.raises(PublicationRefused, match="chưa đồng ý"):
        publish_entry_as_story(entry, user=organiser)
    assert not ExemplarPage.objects.exists()


@pytest.mark.parametrize("status", [EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.INELIGIBLE])
def test_only_awarded_or_finalist_entries_become_stories(edition, organiser, library, status):
    entry = make_entry(edition, status=status, consents_to_publication=True)
    with pytest.raises(PublicationRefused, match=entry.code):
        publish_entry_as_story(entry, user=organiser)
    assert not ExemplarPage.objects.exists()


def test_a_second_publication_is_refused(edition, organiser, library):
    entry = make_entry(edition, status=EntryStatus.FINALIST, consents_to_publication=True)
    publish_entry_as_story(entry, user=organiser)
    with pytest.raises(PublicationRefused, match="đã được đăng|đã được làm"):
        publish_entry_as_story(entry, user=organiser)
    assert ExemplarPage.objects.filter(source_entry_id=entry.pk).count() == 1


def test_the_draft_carries_text_photos_with_credits_byline_prize_and_subject(
    edition, organiser, library, culture_movement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = released_winner(
            edition,
            organiser,
            title="Người giữ lửa ở Tân Ninh",
            author_name="Nguyễn Văn An",
            body="Đoạn một <script>alert(1)</script>.\n\nĐoạn hai.",
        )
    add_photo(entry, 1, caption="Bà Tư bên lò bánh")
    add_photo(entry, 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_entry_as_story(entry, user=organiser)

    page = ExemplarPage.objects.get(pk=page.pk)
    assert not page.live and page.has_unpublished_changes
    assert page.get_parent().specific == library
    assert page.title == "Người giữ lửa ở Tân Ninh"
    assert page.source_entry_id == entry.pk
    assert page.kind == ExemplarKind.INDIVIDUAL
    assert page.locality == entry.subject_locality
    assert page.movement == culture_movement
    assert page.year_recognised == 2025
    assert [award.title for award in page.awards.all()] == ["Giải Nhất — Gương người tốt quanh ta 2025"]
    paragraphs = [block.value.source for block in page.body if block.block_type == "paragraph"]
    assert "Nguyễn Văn An" in paragraphs[0] and "Giải Nhất" in paragraphs[0]
    assert f'linktype="page" id="{edition.pk}"' in paragraphs[0]  # the link back to the edition
    assert "&lt;script&gt;" in paragraphs[1] and "<script>" not in paragraphs[1]
    assert paragraphs[2] == "<p>Đoạn hai.</p>"
    image_blocks = [block.value for block in page.body if block.block_type == "image"]
    assert image_blocks[0]["credit"] == "Nguyễn Văn An"

    gallery = list(page.gallery.select_related("image"))
    assert len(gallery) == 2
    assert gallery[0].caption == "Bà Tư bên lò bánh — Ảnh: Nguyễn Văn An"
    assert gallery[1].caption == "Ảnh: Nguyễn Văn An"
    assert page.photo == gallery[0].image
    for item in gallery:
        with item.image.file.open("rb") as handle:
            picture = PILImage.open(io.BytesIO(handle.read()))
            assert not picture.getexif(), "the library copy must carry no EXIF (GPS, camera)"
            assert "exif" not in picture.info
        assert item.image.width == 640 and item.image.file_hash

    # Submitted to the moderation workflow, audited, and no mail yet: the story is not public.
    assert WorkflowState.objects.filter(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS).exists()
    assert ModelLogEntry.objects.filter(action=PUBLISHED_AS_STORY, object_id=str(entry.pk)).exists()
    assert mail.outbox == []


def test_approval_publishes_counts_toward_the_movement_and_tells_the_author_once(
    edition, organiser, moderator, library, culture_movement, django_capture_on_commit_callbacks
):
    entry = make_entry(edition, status=EntryStatus.FINALIST, consents_to_publication=True, author_email="an@example.vn")
    page = publish_entry_as_story(entry, user=organiser)
    before = movement_progress(movements=[culture_movement])[culture_movement.pk][0].published
    assert before == 0

    with django_capture_on_commit_callbacks(execute=True):
        approve(page, moderator)
    page.refresh_from_db()
    assert page.live
    assert movement_progress(movements=[culture_movement])[culture_movement.pk][0].published == 1
    to_author = [m for m in mail.outbox if m.to == ["an@example.vn"]]
    assert len(to_author) == 1 and page.full_url in to_author[0].body

    # A later correction republished by an editor does not mail the author again.
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision(user=moderator).publish(user=moderator)
    assert len([m for m in mail.outbox if m.to == ["an@example.vn"]]) == 1
    assert messages_about(entry).filter(kind="contest.publication").count() == 1


def test_without_the_default_movement_the_story_has_none(edition, organiser, library):
    entry = make_entry(edition, status=EntryStatus.FINALIST, consents_to_publication=True, subject_kind="collective")
    page = publish_entry_as_story(entry, user=organiser)
    assert page.movement is None and page.kind == ExemplarKind.COLLECTIVE


def test_admin_button_publishes_and_redirects_to_the_editor(client, edition, organiser, library):
    winner = released_winner(edition, organiser)
    client.force_login(organiser)
    screen = client.get(reverse("contest_awards:awards", args=[edition.pk])).content.decode()
    publish_url = reverse("contest_publication:publish", args=[winner.pk])
    assert publish_url in screen
    response = client.post(publish_url)
    page = ExemplarPage.objects.get(source_entry_id=winner.pk)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    screen = client.get(reverse("contest_awards:awards", args=[edition.pk])).content.decode()
    assert publish_url not in screen and reverse("wagtailadmin_pages:edit", args=[page.pk]) in screen
    # A double click is refused with a clear message, not a second page.
    response = client.post(publish_url, follow=True)
    assert "đã được" in response.content.decode()
    assert ExemplarPage.objects.filter(source_entry_id=winner.pk).count() == 1


def test_admin_publication_is_for_organisers_only(client, edition, organiser, library):
    winner = released_winner(edition, organiser)
    judge = User.objects.create_user("gk", password="mat-khau-dai-12")
    judge.groups.add(Group.objects.get(name="Ban Giám khảo"))
    client.force_login(judge)
    response = client.post(reverse("contest_publication:publish", args=[winner.pk]))
    assert response.status_code in (302, 403)
    assert not ExemplarPage.objects.exists()
    client.force_login(organiser)
    assert client.get(reverse("contest_publication:publish", args=[winner.pk])).status_code == 405


def test_organisers_see_each_entrys_messages(client, edition, organiser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        winner = released_winner(edition, organiser, author_email="an@example.vn")
    client.force_login(organiser)
    from contest.admin.entries import entry_viewset

    url = reverse(entry_viewset.get_url_name("inspect"), args=[winner.pk])
    html = client.get(url).content.decode()
    for message in OutgoingMessage.objects.filter(related_id=str(winner.pk)):
        assert message.subject in html
    assert "an@example.vn" in html and "Đã gửi" in html


# --- The results page: stories, the readers' choice, fixed queries, nothing before release -----------------------


def readers_choice_edition(home_page):
    edition = make_edition(
        home_page,
        tiers=(("Giải Nhất", 20, 30_000_000), ("Giải Bạn đọc bình chọn", 1, 5_000_000)),
    )
    edition.prize_tiers.filter(name="Giải Bạn đọc bình chọn").update(is_readers_choice=True)
    return edition


def released_awards(edition, organiser, number, *, with_stories=True, library=None):
    """`number` released first prizes, each (optionally) with its live story in the library."""
    tier = edition.prize_tiers.get(name="Giải Nhất")
    for slot in range(1, number + 1):
        entry = make_entry(edition, status=EntryStatus.AWARDED, title=f"Bài đạt giải {slot}")
        Award.objects.create(tier=tier, entry=entry, slot=slot, released_at=timezone.now())
        if with_stories:
            ExemplarPageFactory(parent=library, title=f"Câu chuyện {slot}", source_entry_id=entry.pk)
    ResultsRelease.objects.get_or_create(edition=edition, defaults={"released_by": organiser})


def test_results_link_each_winner_to_its_live_story_only(client, home_page, organiser, library):
    edition = readers_choice_edition(home_page)
    released_awards(edition, organiser, 2, with_stories=False)
    first, second = Award.objects.filter(tier__edition=edition).order_by("slot")
    live = ExemplarPageFactory(parent=library, title="Câu chuyện đã đăng", source_entry_id=first.entry_id)
    draft = ExemplarPageFactory(parent=library, title="Bản nháp", source_entry_id=second.entry_id)
    draft.unpublish()
    html = client.get("/cuoc-thi/2025/ket-qua/").content.decode()
    assert f'href="{live.url}"' in html
    assert draft.url_path.rstrip("/").rsplit("/", 1)[-1] not in html
    assert html.count(live.url) == 1 and html.count("Đọc câu chuyện") == 1


def test_results_show_the_readers_choice_with_valid_votes_only(client, home_page, organiser):
    edition = readers_choice_edition(home_page)
    favourite = make_entry(edition, status=EntryStatus.AWARDED, title="Bài được bạn đọc yêu thích")
    other = make_entry(edition, status=EntryStatus.FINALIST, title="Bài khác")
    for entry in (favourite, other):
        VotingCandidate.objects.create(edition=edition, entry=entry, sort_order=entry.receipt_number)
    for number in range(5):
        voter = Voter.objects.create(
            edition=edition, email=f"v{number}@example.vn", email_hash=f"h{number}", email_domain="example.vn"
        )
        valid = number < 3
        Vote.objects.create(
            edition=edition,
            voter=voter,
            entry=favourite,
            window="once",
            is_valid=valid,
            invalidated_at=None if valid else timezone.now(),
            invalidation_reason="" if valid else "Cùng một máy bỏ nhiều phiếu",
        )
        if number < 2:
            Vote.objects.create(edition=edition, voter=voter, entry=other, window="once")
    voting._bump_counts(edition.pk)
    Award.objects.create(
        tier=edition.prize_tiers.get(name="Giải Bạn đọc bình chọn"), entry=favourite, slot=1, released_at=timezone.now()
    )
    ResultsRelease.objects.create(edition=edition, released_by=organiser)
    html = client.get("/cuoc-thi/2025/ket-qua/").content.decode()
    section = html.split('id="readers-choice"', 1)[1]
    assert "Bài được bạn đọc yêu thích" in section and "3 phiếu hợp lệ" in section
    assert "Bài khác" not in section  # only the readers' choice prize's places win
    assert "3 phiếu bình chọn hợp lệ của bạn đọc" in html  # beside the prize itself


def results_queries(client):
    client.get("/cuoc-thi/2025/ket-qua/")  # warm the site-root and page caches shared by every request
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/cuoc-thi/2025/ket-qua/").content.decode()
    return len(queries), html


def test_results_page_query_count_does_not_grow(client, home_page, organiser, library):
    edition = readers_choice_edition(home_page)
    released_awards(edition, organiser, 1, library=library)
    one, html = results_queries(client)
    assert html.count('class="results-list__title"') == 1 and html.count("Đọc câu chuyện") == 1
    tier = edition.prize_tiers.get(name="Giải Nhất")
    for slot in range(2, 21):
        entry = make_entry(edition, status=EntryStatus.AWARDED)
        Award.objects.create(tier=tier, entry=entry, slot=slot, released_at=timezone.now())
        ExemplarPageFactory(parent=library, source_entry_id=entry.pk)
    twenty, html = results_queries(client)
    assert html.count('class="results-list__title"') == 20 and html.count("Đọc câu chuyện") == 20
    assert one == twenty


def test_unreleased_results_do_not_leak_through_stories_search_or_feeds(
    client, edition, organiser, moderator, library, django_capture_on_commit_callbacks
):
    finalist = make_entry(
        edition, status=EntryStatus.FINALIST, consents_to_publication=True, title="Người giữ lửa ở Tân Ninh"
    )
    record_verification(
        finalist,
        user=organiser,
        locality=finalist.subject_locality,
        outcome=Verification.Outcome.CONFIRMED,
    )
    assign_award(finalist, edition.prize_tiers.get(name="Giải Nhất"), user=organiser)  # drafted, not released
    page = publish_entry_as_story(finalist, user=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        approve(page, moderator)
    page.refresh_from_db()
    assert page.live and not page.awards.exists()
    assert "Giải Nhất" not in str(page.body) and "Giải Nhất" not in page.summary

    story = client.get(page.url).content.decode()
    search = client.get("/tim-kiem/", {"q": "Người giữ lửa"}).content.decode()
    feed = client.get("/rss.xml").content.decode()
    assert "Người giữ lửa ở Tân Ninh" in search and "Người giữ lửa ở Tân Ninh" in feed  # the story itself is public
    for public in (story, search, feed):
        assert "Giải Nhất" not in public
    results = client.get("/cuoc-thi/2025/ket-qua/").content.decode()
    assert "Người giữ lửa ở Tân Ninh" not in results
    assert page.url not in results
