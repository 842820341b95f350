"""Closing an edition: the archive export, its restore into a site without the edition, hostile archives refused."""

import datetime
import hashlib
import io
import json
import shutil
import uuid
import zipfile
from decimal import Decimal

import pytest

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry, PageLogEntry

from contest.models import (
    Award,
    ConflictOfInterest,
    ContestIndexPage,
    ContestPage,
    Criterion,
    Entry,
    EntryPhoto,
    Round,
    RoundState,
    ScoreChange,
    Vote,
    Voter,
    VoteRequest,
    VotingCandidate,
    VotingRules,
    private_storage,
)
from contest.photos import process_photo
from contest.roles import JURY, ORGANISERS
from contest.services import archive
from contest.services.awards import assign_award, record_verification, release_results
from contest.services.judging import add_round_entries, assign_round, draft_decisions, save_sheet, set_round_state
from contest.services.screening import screen_entry
from contest.services.status import set_entry_status
from contest.services.submission import submit_entry
from contest.services.voting import invalidate_votes
from contest.statuses import EntryStatus
from exemplar_pages.models import ExemplarPage, Locality
from tests.factories import ExemplarIndexPageFactory, ExemplarPageFactory, MovementIndexPageFactory, MovementPageFactory

from .fixtures_submission import clean_slate, entry_data, make_edition, photo_upload  # noqa: F401

pytestmark = pytest.mark.django_db


def _user(username, group, **fields):
    user = User.objects.create_user(username, f"{username}@example.vn", "mat-khau-dai-12", **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def build_closed_edition(home_page):
    """An edition with every kind of row: entries with photos and originals, a judged round with score history,
    votes (one invalidated), a confirmed verification with its reply document, a released prize and a story."""
    organiser = _user("btc", ORGANISERS, first_name="Lan", last_name="Nguyễn")
    judges = [_user(f"giamkhao{i}", JURY, first_name="Giám khảo", last_name=f"Số {i}") for i in (1, 2)]
    province = Locality.objects.create(name="Tây Ninh", kind=Locality.Kind.PROVINCE)
    locality = Locality.objects.create(name="Tân Ninh", kind=Locality.Kind.WARD, parent=province)
    movement = MovementPageFactory(parent=MovementIndexPageFactory(parent=home_page), slug="doi-song-van-hoa")
    edition = make_edition(home_page)
    entries = []
    for n in range(1, 5):
        photos = [
            (process_photo(photo_upload(f"{i}.jpg", colour=(n * 40, i * 60, 90)), max_bytes=5 * 1024**2), f"Ảnh {i}")
            for i in range(2 if n == 1 else 1)
        ]
        data = entry_data(edition, locality, n, author_name=f"Trần Thị Ánh {n}", movement=movement if n == 2 else None)
        entry, _token = submit_entry(
            edition=edition,
            data=data,
            photos=photos,
            original=ContentFile(f"Bản gốc bài {n} — chữ Việt".encode()),
            original_extension="docx",
            key=uuid.uuid4(),
        )
        entries.append(entry)
    for entry in entries[:3]:
        screen_entry(entry=entry, eligible=True, user=organiser)
    screen_entry(entry=entries[3], eligible=False, reason="Sai thể loại", user=organiser)
    now = timezone.now()
    ContestPage.objects.filter(pk=edition.pk).update(
        submissions_open=now - datetime.timedelta(days=40), submissions_close=now - datetime.timedelta(days=20)
    )
    edition.refresh_from_db()

    round = Round.objects.create(edition=edition, name="Vòng chung khảo", reviews_required=2)
    round.judges.set(judges)
    content = Criterion.objects.create(round=round, name="Nội dung", max_points=10, weight=Decimal("1.50"))
    style = Criterion.objects.create(round=round, name="Văn phong", max_points=5, sort_order=1)
    add_round_entries(round, user=organiser)
    assign_round(round, user=organiser, seed=7)
    set_round_state(round, RoundState.OPEN, user=organiser)
    for position, assignment in enumerate(round.assignments.order_by("pk")):
        points = {content.pk: 5 + position % 5, style.pk: 3}
        save_sheet(assignment, points=points, comment="Cảm động", submit=True, user=assignment.judge)
    first = round.assignments.order_by("pk").first()
    save_sheet(first, points={content.pk: 10, style.pk: 4}, comment="Sửa điểm", submit=True, user=organiser)
    ConflictOfInterest.objects.create(judge=judges[0], entry=entries[3], round=round, reason="Người thân")
    set_round_state(round, RoundState.CLOSED, user=organiser)
    draft_decisions(round, rule="top_n", value=2, user=organiser)
    for entry in entries[:2]:
        set_entry_status(entry, EntryStatus.FINALIST, user=organiser)

    today = timezone.localdate()
    record_verification(
        entries[0],
        user=organiser,
        locality=locality,
        letter_number="12/BTC",
        letter_date=today,
        outcome="confirmed",
        answered_on=today,
        note="Xác nhận đúng sự thật",
        reply_document=SimpleUploadedFile("tra-loi.pdf", b"%PDF-1.4 tra loi cua UBND phuong"),
    )
    assign_award(entries[0], edition.prize_tiers.get(name="Giải Nhất"), user=organiser)

    VotingRules.objects.create(edition=edition)
    for order, entry in enumerate(entries[:2]):
        VotingCandidate.objects.create(edition=edition, entry=entry, sort_order=order)
    votes = []
    for n in range(3):
        voter = Voter.objects.create(
            edition=edition, email=f"docgia{n}@example.vn", email_hash=f"{n:064d}", email_domain="example.vn"
        )
        request = VoteRequest.objects.create(
            edition=edition,
            voter=voter,
            entry=entries[n % 2],
            public_id=f"req{n}",
            token_hash=f"{n:064x}",
            code_hash="c" * 64,
            expires_at=now,
            used_at=now,
        )
        votes.append(
            Vote.objects.create(
                edition=edition, voter=voter, entry=entries[n % 2], window="once", request=request, ip_hash="ab" * 32
            )
        )
    invalidate_votes(vote_ids=[votes[2].pk], user=organiser, reason="Cùng một mạng trong một phút")
    release_results(edition, user=organiser)

    ExemplarPageFactory(
        parent=ExemplarIndexPageFactory(parent=home_page), slug="noi-chao-tinh-thuong", source_entry=entries[0]
    )
    return edition


def export_bytes(edition, **kwargs):
    buffer = io.BytesIO()
    archive.export_edition(edition, to=buffer, **kwargs)
    return buffer.getvalue()


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def wipe(edition):
    """Delete the edition and everything of it: its rows, their audit trail, its page, the contest index, the
    people and places only it used, and every private file: what a site that never had it looks like."""
    content_types = [ContentType.objects.get_for_model(model) for _n, model, _l in archive.TABLES]
    for _name, model, lookup in reversed(archive.TABLES):
        model.objects.filter(**{lookup: edition}).delete()
    ModelLogEntry.objects.filter(content_type__in=content_types).delete()
    PageLogEntry.objects.filter(page=edition).delete()
    edition.delete()
    ContestIndexPage.objects.all().delete()
    User.objects.filter(username__in=["btc", "giamkhao1", "giamkhao2"]).delete()
    Locality.objects.all().delete()
    shutil.rmtree(private_storage().location, ignore_errors=True)


def contest_row_count():
    return sum(model.objects.count() for _name, model, _lookup in archive.TABLES) + ContestPage.objects.count()


@pytest.fixture
def closed_edition(home_page, clean_slate):  # noqa: F811
    return build_closed_edition(home_page)


def test_every_contest_model_is_exported_or_excluded_with_a_reason():
    contest_models = set(apps.get_app_config("contest").get_models())
    missing = contest_models - archive.EXPORTED_MODELS - set(archive.EXCLUDED_MODELS)
    assert not missing, f"Neither exported nor excluded: {sorted(m.__name__ for m in missing)}"
    assert all(reason.strip() for reason in archive.EXCLUDED_MODELS.values())
    assert not archive.EXPORTED_MODELS & set(archive.EXCLUDED_MODELS)


def test_the_archive_holds_manifest_tables_csv_copies_and_files(closed_edition):
    content = members(export_bytes(closed_edition))
    manifest = json.loads(content.pop("manifest.json"))
    assert manifest["format_version"] == archive.FORMAT_VERSION
    assert manifest["edition"] == {"slug": "2025", "title": closed_edition.title, "year": 2025}
    assert set(manifest["files"]) == set(content)
    for name, meta in manifest["files"].items():
        assert hashlib.sha256(content[name]).hexdigest() == meta["sha256"]
    assert manifest["counts"]["entries"] == 4
    assert manifest["counts"]["votes"] == 3
    assert manifest["counts"]["score_changes"] == ScoreChange.objects.count() > 0
    # Five photos (with their thumbnails), four originals and one reply document.
    files = [name for name in content if name.startswith("files/")]
    assert len(files) == 5 * 2 + 4 + 1
    entries_csv = content["csv/entries.csv"]
    assert entries_csv.startswith(b"\xef\xbb\xbf")
    assert "Trần Thị Ánh 1" in entries_csv.decode("utf-8-sig")
    results = content["csv/results.csv"].decode("utf-8-sig")
    assert "Giải Nhất" in results and "GNT2025-0001" in results
    votes = json.loads(content["data/votes.json"])
    assert [vote["is_valid"] for vote in votes] == [True, True, False]
    assert votes[2]["invalidation_reason"] == "Cùng một mạng trong một phút"
    assert votes[0]["ip_hash"] == "ab" * 32  # stored values, pseudonymised as they are
    actions = {row["action"] for row in json.loads(content["data/audit_log.json"])}
    assert {"contest.entry.status_changed", "contest.vote.invalidated"} <= actions
    assert PageLogEntry.objects.filter(page=closed_edition, action=archive.EXPORTED).count() == 1


def test_export_then_wipe_then_import_restores_the_same_edition(closed_edition):
    exported = export_bytes(closed_edition)
    original = members(exported)
    photo_hashes = sorted(EntryPhoto.objects.values_list("sha256", flat=True))
    story = ExemplarPage.objects.get(slug="noi-chao-tinh-thuong")

    wipe(closed_edition)
    assert contest_row_count() == 0
    assert not ContestIndexPage.objects.exists()
    story.refresh_from_db()
    assert story.source_entry_id is None  # the link went with the entry

    restored = archive.import_edition(io.BytesIO(exported))

    again = members(export_bytes(restored))
    first_manifest, second_manifest = json.loads(original.pop("manifest.json")), json.loads(again.pop("manifest.json"))
    first_manifest.pop("exported_at"), second_manifest.pop("exported_at")
    assert second_manifest == first_manifest
    for name in original:
        assert again[name] == original[name], name
    # The same bytes in private storage, and the story points at the restored entry again.
    for photo in EntryPhoto.objects.filter(entry__edition=restored):
        with photo.image.open("rb") as stored:
            assert hashlib.sha256(stored.read()).hexdigest() == photo.sha256
    assert sorted(EntryPhoto.objects.values_list("sha256", flat=True)) == photo_hashes
    story.refresh_from_db()
    assert story.source_entry == Entry.objects.get(edition=restored, receipt_number=1)
    # Judges who have no account here come back inactive, unable to sign in.
    judge = User.objects.get(username="giamkhao1")
    assert not judge.is_active and not judge.has_usable_password()
    assert restored.live and restored.get_parent().specific_class is ContestIndexPage
    assert Award.objects.get(entry__edition=restored).released_at is not None
    assert PageLogEntry.objects.filter(page=restored, action=archive.IMPORTED).count() == 1


def _joined(content):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in content.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_an_edition_already_on_the_site_is_refused(closed_edition):
    data = export_bytes(closed_edition)
    rows_before = contest_row_count()
    with pytest.raises(archive.ArchiveError, match="đã có trên trang"):
        archive.import_edition(io.BytesIO(data))
    assert contest_row_count() == rows_before


def test_an_edition_without_released_results_cannot_be_archived(home_page, clean_slate):  # noqa: F811
    edition = make_edition(home_page)
    with pytest.raises(archive.ArchiveError, match="đã công bố kết quả"):
        export_bytes(edition)
    assert members(export_bytes(edition, require_closed=False))["manifest.json"]


# ---- Hostile and malformed archives -----------------------------------------------------------------------------


@pytest.fixture
def wiped_archive(closed_edition):
    """The members of a real archive, its edition already deleted: a valid import unless a test spoils it."""
    content = members(export_bytes(closed_edition))
    wipe(closed_edition)
    return content


def with_manifest(content, **changes):
    """Members with manifest.json rewritten to list the members as they are now (so only the spoil remains)."""
    content = dict(content)
    manifest = json.loads(content["manifest.json"])
    manifest["files"] = {
        name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in content.items()
        if name != "manifest.json"
    }
    manifest.update(changes)
    content["manifest.json"] = json.dumps(manifest).encode()
    return content


def refused(data, message):
    files_before = _private_files()
    rows_before = contest_row_count(), User.objects.count(), Locality.objects.count()
    with pytest.raises(archive.ArchiveError, match=message):
        archive.import_edition(io.BytesIO(data))
    assert (contest_row_count(), User.objects.count(), Locality.objects.count()) == rows_before
    assert _private_files() == files_before


def _private_files():
    root = private_storage().path("")
    import os

    return sorted(os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names)


def test_a_file_that_is_not_a_zip_is_refused(wiped_archive):
    refused(b"%PDF-1.4 not a zip at all", "không phải là tệp ZIP")


def test_a_zip_bomb_is_refused(wiped_archive):
    content = dict(wiped_archive)
    content["files/bom.bin"] = b"\0" * (20 * 1024**2)
    refused(_joined(with_manifest(content)), "phình ra")


def test_an_archive_beyond_the_size_limit_is_refused(wiped_archive, settings):
    settings.CONTEST_ARCHIVE_MAX_BYTES = 1024
    refused(_joined(wiped_archive), "quá lớn")


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/cron.d/x", "files/../../x", "C:/Windows/x", "a\\..\\b"])
def test_names_that_climb_out_are_refused(wiped_archive, name):
    content = dict(wiped_archive)
    content[name] = b"x"
    refused(_joined(content), "tên không an toàn")


def test_a_file_missing_from_the_archive_is_refused(wiped_archive):
    content = dict(wiped_archive)
    content.pop(next(name for name in content if name.startswith("files/")))
    refused(_joined(content), "bị thiếu")


def test_a_file_the_manifest_does_not_list_is_refused(wiped_archive):
    content = dict(wiped_archive)
    content["files/them.txt"] = b"them"
    refused(_joined(content), "không có trong danh mục")


def test_an_altered_file_is_refused(wiped_archive):
    content = dict(wiped_archive)
    name = next(name for name in content if name.startswith("files/"))
    content[name] = content[name][:-1] + bytes([content[name][-1] ^ 1])  # same size, one bit changed
    refused(_joined(content), "Mã kiểm tra")


def test_an_unknown_format_version_is_refused(wiped_archive):
    refused(_joined(with_manifest(wiped_archive, format_version=99)), "phiên bản định dạng 99")


def test_malformed_json_is_refused(wiped_archive):
    content = dict(wiped_archive)
    content["data/votes.json"] = b'[{"id": 1, '
    refused(_joined(with_manifest(content)), "không phải JSON hợp lệ")


def test_an_archive_without_a_manifest_is_refused(wiped_archive):
    content = dict(wiped_archive)
    content.pop("manifest.json")
    refused(_joined(content), "không có manifest.json")


def test_a_broken_row_undoes_everything_and_leaves_no_files(wiped_archive):
    content = dict(wiped_archive)
    awards = json.loads(content["data/awards.json"])
    awards[0]["entry"] = 999  # points to no entry of the archive: found only after files and rows were written
    content["data/awards.json"] = json.dumps(awards).encode()
    refused(_joined(with_manifest(content)), "không có trong tệp lưu trữ")
    assert not ContestIndexPage.objects.exists()


# ---- Admin and commands -------------------------------------------------------------------------------------------


def test_organisers_export_from_the_admin_and_others_are_refused(client, closed_edition):
    url = reverse("contest_archive:export", args=[closed_edition.pk])
    for username, group in (("bientap", "Editors"), ("giamkhao9", JURY)):
        client.force_login(_user(username, group))
        # Wagtail answers a refusal inside the admin by sending the user back to the dashboard with a message.
        for response in (client.post(url), client.get(reverse("contest_archive:index"))):
            assert (response.status_code, response["Location"]) == (302, "/admin/")
        upload = SimpleUploadedFile("a.zip", b"x", content_type="application/zip")
        response = client.post(reverse("contest_archive:index"), {"archive": upload})
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not PageLogEntry.objects.filter(action=archive.EXPORTED).exists()
    client.force_login(User.objects.get(username="btc"))
    assert client.get(reverse("contest_archive:index")).status_code == 200
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "manifest.json" in members(b"".join(response.streaming_content))


def test_organisers_import_from_the_admin(client, wiped_archive, home_page):
    organiser = _user("btc2", ORGANISERS)
    client.force_login(organiser)
    upload = SimpleUploadedFile("luu-tru.zip", _joined(wiped_archive), content_type="application/zip")
    response = client.post(reverse("contest_archive:index"), {"archive": upload})
    assert response.status_code == 302
    assert response["Location"] == reverse("contest_archive:index")
    edition = ContestPage.objects.get(slug="2025")
    assert PageLogEntry.objects.get(page=edition, action=archive.IMPORTED).user == organiser

    bad = SimpleUploadedFile("hong.zip", b"khong phai zip", content_type="application/zip")
    response = client.post(reverse("contest_archive:index"), {"archive": bad}, follow=True)
    assert "không phải là tệp ZIP" in response.content.decode()


def test_the_commands_export_and_import(tmp_path, closed_edition):
    target = tmp_path / "gnt2025.zip"
    call_command("export_edition", "2025", output=str(target), stdout=io.StringIO())
    wipe(closed_edition)
    out = io.StringIO()
    call_command("import_edition", str(target), stdout=out)
    assert ContestPage.objects.filter(slug="2025").exists()
    assert Entry.objects.count() == 4


# ---- Fixed query counts ---------------------------------------------------------------------------------------------


def _released_edition_with(home_page, entries, year):
    from contest.models import ResultsRelease

    from .builders import make_edition as quick_edition
    from .builders import make_entry as quick_entry

    edition = quick_edition(home_page, year=year)
    province = Locality.objects.get_or_create(name="Tây Ninh", kind=Locality.Kind.PROVINCE)[0]
    for n in range(entries):
        # A place of its own per entry, inside the province: references outside the edition must not cost a query each.
        place = Locality.objects.create(name=f"Xã {year}-{n}", kind=Locality.Kind.COMMUNE, parent=province)
        quick_entry(edition, subject_locality=place)
    ResultsRelease.objects.create(edition=edition)
    return edition


def test_export_makes_the_same_number_of_queries_for_1_and_50_entries(home_page, clean_slate):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for year, entries in ((2023, 1), (2025, 50)):
        edition = _released_edition_with(home_page, entries, year)
        export_bytes(edition)  # warm the content-type cache, as on a running site
        with CaptureQueriesContext(connection) as queries:
            export_bytes(edition)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_archive_screen_makes_the_same_number_of_queries_for_1_and_50_editions(client, home_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contest.models import ResultsRelease

    from .builders import make_edition as quick_edition

    client.force_login(_user("btc3", ORGANISERS))
    index = ContestIndexPage.objects.first() or quick_edition(home_page, year=1999).get_parent()
    counts = []
    for total in (1, 50):
        while ContestPage.objects.count() < total:
            year = 2000 + ContestPage.objects.count()
            edition = index.add_child(
                instance=ContestPage(
                    title=f"Đợt {year}",
                    slug=str(year),
                    year=year,
                    code_prefix=f"GNT{year}",
                    submissions_open=timezone.now(),
                    submissions_close=timezone.now() + datetime.timedelta(days=1),
                )
            )
            ResultsRelease.objects.create(edition=edition)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("contest_archive:index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
