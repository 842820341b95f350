"""Personal data on request (export, erase) and by retention (authors' contact data purged after an edition)."""

import datetime
import json
import re

import pytest

from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry, PageLogEntry

from contest.models import Entry, EntryVersion, Vote, Voter, VotingRules
from contest.services import privacy, voting
from contest.statuses import EntryStatus
from tests.contest import builders, fixtures_voting
from tests.factories import ExemplarIndexPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db

EMAIL = "hoa@example.vn"


@pytest.fixture
def person(home_page, django_capture_on_commit_callbacks):
    """Hoa wrote two entries (one with a second version, one awarded) in 2025 and voted by e-mail in the vote."""
    edition = fixtures_voting.make_edition(home_page)
    VotingRules.objects.create(edition=edition, max_entries_per_voter=3)
    mine = fixtures_voting.make_entry(edition, 1)
    Entry.objects.filter(pk=mine.pk).update(
        author_email=EMAIL, author_name="Nguyễn Thị Hoa", author_phone="0912345678", author_workplace="Trường A"
    )
    EntryVersion.objects.create(entry=mine, number=1, title="Bản đầu", genre_name="Ký", body="Bản đầu tiên.")
    EntryVersion.objects.create(entry=mine, number=2, title=mine.title, genre_name="Ký", body="Bản sửa.")
    awarded = fixtures_voting.make_entry(edition, 2, status=EntryStatus.AWARDED)
    Entry.objects.filter(pk=awarded.pk).update(author_email="HOA@example.vn", author_name="Nguyễn Thị Hoa")
    someone_else = fixtures_voting.make_entry(edition, 3)
    with django_capture_on_commit_callbacks(execute=True):
        request = voting.request_vote(
            edition=edition,
            entry=someone_else,
            email="Hoa@Example.vn",
            ip="203.0.113.7",
            user_agent="Firefox",
            confirm_url="http://testserver/x",
        )
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        voting.confirm_by_code(public_id=request.public_id, code=code)
    return {"edition": edition, "mine": mine, "awarded": awarded, "other": someone_else}


def test_export_collects_entries_versions_and_votes_and_is_logged(person, capsys):
    call_command("personal_data", "export", EMAIL)
    data = json.loads(capsys.readouterr().out)
    codes = sorted(entry["code"] for entry in data["entries"])
    assert codes == sorted([person["mine"].code, person["awarded"].code])
    mine = next(entry for entry in data["entries"] if entry["code"] == person["mine"].code)
    assert mine["author"]["phone"] == "0912345678" and mine["author"]["workplace"] == "Trường A"
    assert [version["body"] for version in mine["versions"]] == ["Bản đầu tiên.", "Bản sửa."]
    assert [voter["email"] for voter in data["voter"]] == ["hoa@example.vn"]
    assert [vote["entry"] for vote in data["votes"]] == [person["other"].code]
    assert person["other"].author_email not in json.dumps(data)  # nobody else's data
    logged = ModelLogEntry.objects.filter(action=privacy.EXPORTED)
    assert logged.count() == 3  # two entries and one voter record


def test_export_to_a_file(person, tmp_path):
    target = tmp_path / "hoa.json"
    call_command("personal_data", "export", EMAIL, "--output", str(target))
    assert len(json.loads(target.read_text(encoding="utf-8"))["entries"]) == 2


def test_erase_replaces_contact_data_keeps_entries_votes_counts_and_public_names(person):
    library = ExemplarIndexPageFactory(parent=person["edition"].get_parent().get_parent())
    ExemplarPageFactory(parent=library, source_entry_id=person["mine"].pk)  # published as a story
    votes_before = voting.vote_counts(person["edition"])
    call_command("personal_data", "erase", EMAIL, "--reason", "Yêu cầu của tác giả ngày 20/11")
    mine, awarded = Entry.objects.get(pk=person["mine"].pk), Entry.objects.get(pk=person["awarded"].pk)
    for entry in (mine, awarded):
        assert (entry.author_phone, entry.author_email, entry.author_workplace) == ("", "", "")
        assert entry.author_address == privacy.REMOVED and entry.author_birth_year == privacy.REMOVED_BIRTH_YEAR
        assert entry.title and entry.body  # the writing stays
        assert entry.author_name == "Nguyễn Thị Hoa"  # published as a story / awarded: the public knows the name
    assert mine.versions.count() == 2
    voter = Voter.objects.get(edition=person["edition"])
    assert voter.email == "" and voter.email_hash is None and voter.purged_at is not None
    assert Vote.objects.filter(voter=voter).count() == 1
    assert Vote.objects.get(voter=voter).ip_hash == ""
    assert voting.vote_counts(person["edition"]) == votes_before
    other = Entry.objects.get(pk=person["other"].pk)
    assert other.author_phone == "0900000000"  # someone else's data untouched
    logged = ModelLogEntry.objects.filter(action=privacy.ERASED)
    assert logged.count() == 3
    assert {entry.data["reason"] for entry in logged} == {"Yêu cầu của tác giả ngày 20/11"}
    # Nothing is left to find under that address.
    assert privacy.export_personal_data(email=EMAIL)["entries"] == []


def test_erase_removes_the_name_of_an_unpublished_entry(person):
    call_command("personal_data", "erase", EMAIL, "--reason", "Yêu cầu")
    assert Entry.objects.get(pk=person["mine"].pk).author_name == privacy.REMOVED
    assert Entry.objects.get(pk=person["awarded"].pk).author_name == "Nguyễn Thị Hoa"


def test_erase_needs_a_reason_and_changes_nothing_without_one(person):
    with pytest.raises(CommandError):
        call_command("personal_data", "erase", EMAIL)
    with pytest.raises(ValueError):
        privacy.erase_personal_data(email=EMAIL, reason="   ")
    assert Entry.objects.get(pk=person["mine"].pk).author_phone == "0912345678"
    assert not ModelLogEntry.objects.filter(action=privacy.ERASED).exists()


# --- Retention: authors' contact data after the edition closed + N days ----------------------------------------


@pytest.fixture
def closed_edition(home_page):
    today = timezone.localdate()
    edition = builders.make_edition(home_page, year=2023, results_date=today - datetime.timedelta(days=100))
    entries = [
        builders.make_entry(edition, status=EntryStatus.AWARDED, author_name="Trần Văn Giải"),
        builders.make_entry(edition, status=EntryStatus.INELIGIBLE, author_name="Lê Thị Loại"),
    ]
    return edition, entries


def test_purge_waits_for_the_retention_period(closed_edition):
    edition, entries = closed_edition
    call_command("purge_author_data", "--edition", "2023", "--older-than-days", "365")
    assert Entry.objects.get(pk=entries[0].pk).author_phone == "0900000000"
    assert not PageLogEntry.objects.filter(action=privacy.AUTHOR_DATA_PURGED).exists()


def test_purge_after_retention_removes_contact_data_keeps_prizes_counts_and_is_logged(closed_edition, capsys):
    edition, entries = closed_edition
    call_command("purge_author_data", "--edition", "2023", "--older-than-days", "90")
    assert "2 entries" in capsys.readouterr().out
    awarded, ineligible = (Entry.objects.get(pk=entry.pk) for entry in entries)
    for entry in (awarded, ineligible):
        assert (entry.author_phone, entry.author_email) == ("", "")
        assert entry.author_birth_year == privacy.REMOVED_BIRTH_YEAR
    assert awarded.author_name == "Trần Văn Giải" and ineligible.author_name == privacy.REMOVED
    assert Entry.objects.filter(edition=edition).count() == 2 and awarded.status == EntryStatus.AWARDED
    log = PageLogEntry.objects.get(action=privacy.AUTHOR_DATA_PURGED)
    assert log.page_id == edition.pk and log.data["entries"] == 2


def test_purge_reads_the_retention_setting_and_leaves_open_editions_alone(closed_edition, home_page, settings):
    edition, entries = closed_edition
    running = builders.make_edition(home_page, year=2027, results_date=timezone.localdate() + datetime.timedelta(30))
    current = builders.make_entry(running)
    settings.CONTEST_AUTHOR_RETENTION_DAYS = 60
    call_command("purge_author_data")
    assert Entry.objects.get(pk=entries[0].pk).author_email == ""
    assert Entry.objects.get(pk=current.pk).author_email == current.author_email


def test_purge_of_an_unknown_edition_is_an_error(closed_edition):
    with pytest.raises(CommandError):
        call_command("purge_author_data", "--edition", "1999")


def test_the_erasure_shows_in_the_entrys_history_in_vietnamese(person, client, admin_user):
    privacy.erase_personal_data(email=EMAIL, reason="Yêu cầu của tác giả", user=admin_user)
    client.force_login(admin_user)
    history = client.get(reverse("contest_entries:history", args=[person["mine"].pk]))
    assert history.status_code == 200
    assert "Xoá dữ liệu cá nhân" in history.content.decode() or "Đã xoá dữ liệu cá nhân" in history.content.decode()
