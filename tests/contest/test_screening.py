"""Screening: organisers mark entries eligible or ineligible, one by one or in bulk; authors are told; all audited."""

import pytest

from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from wagtail.models import ModelLogEntry

from contest.roles import ORGANISERS
from contest.services.screening import screen_entries, screen_entry
from contest.services.status import set_entry_status
from contest.statuses import EntryStatus

from .fixtures_submission import *  # noqa: F403
from .fixtures_submission import make_entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]


@pytest.fixture
def organiser(django_user_model):
    user = django_user_model.objects.create_user("btc", password="x" * 12)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    return user


def test_ineligible_with_reason_is_audited_and_mailed(edition, locality, organiser, django_capture_on_commit_callbacks):
    entry, _ = make_entry(edition, locality)
    with django_capture_on_commit_callbacks(execute=True):
        assert screen_entry(entry=entry, eligible=False, reason="Quá 300 chữ", user=organiser)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.INELIGIBLE and entry.screening_reason == "Quá 300 chữ"
    log = ModelLogEntry.objects.get(action="contest.entry.status_changed", object_id=str(entry.pk))
    assert log.user == organiser and log.data["reason"] == "Quá 300 chữ"
    assert mail.outbox[-1].subject == f"[{edition.title}] Bài {entry.code} không hợp lệ"
    assert "Quá 300 chữ" in mail.outbox[-1].body


def test_screening_twice_the_same_way_changes_and_sends_nothing(
    edition, locality, organiser, django_capture_on_commit_callbacks
):
    entry, _ = make_entry(edition, locality)
    with django_capture_on_commit_callbacks(execute=True):
        assert screen_entry(entry=entry, eligible=True, user=organiser)
        assert not screen_entry(entry=entry, eligible=True, user=organiser)
    assert len(mail.outbox) == 1
    assert ModelLogEntry.objects.filter(action="contest.entry.status_changed").count() == 1


def test_bulk_screening_skips_entries_that_cannot_move(edition, locality, organiser):
    entries = [make_entry(edition, locality, n)[0] for n in range(1, 4)]
    set_entry_status(entries[2], EntryStatus.WITHDRAWN)
    changed, skipped = screen_entries(entries=entries, eligible=True, user=organiser)
    assert [e.pk for e in changed] == [entries[0].pk, entries[1].pk]
    assert [e.pk for e in skipped] == [entries[2].pk]


def test_screen_view_requires_a_reason_for_ineligible(client, edition, locality, organiser):
    entry, _ = make_entry(edition, locality)
    client.force_login(organiser)
    url = reverse("contest_entry_screen", args=[entry.pk])
    response = client.post(url, {"decision": "ineligible", "reason": " "})
    assert response.status_code == 200
    assert "Hãy ghi lý do cho tác giả" in response.content.decode()
    response = client.post(url, {"decision": "ineligible", "reason": "Bài không có thật"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.INELIGIBLE


def test_bulk_action_marks_entries_eligible(client, edition, locality, organiser, django_capture_on_commit_callbacks):
    entries = [make_entry(edition, locality, n)[0] for n in range(1, 3)]
    client.force_login(organiser)
    url = (
        reverse("wagtail_bulk_action", args=["contest", "entry", "contest_mark_eligible"])
        + "?"
        + "&".join(f"id={e.pk}" for e in entries)
    )
    page = client.get(url)
    assert page.status_code == 200
    assert entries[0].code in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    assert {e.status for e in type(entries[0]).objects.all()} == {EntryStatus.ELIGIBLE}
    assert len(mail.outbox) == 2


def test_bulk_ineligible_needs_a_reason(client, edition, locality, organiser):
    entry, _ = make_entry(edition, locality)
    client.force_login(organiser)
    url = reverse("wagtail_bulk_action", args=["contest", "entry", "contest_mark_ineligible"]) + f"?id={entry.pk}"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_editor_cannot_screen(client, edition, locality, django_user_model):
    entry, _ = make_entry(edition, locality)
    editor = django_user_model.objects.create_user("bt", password="x" * 12)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.post(reverse("contest_entry_screen", args=[entry.pk]), {"decision": "eligible"})
    assert response.status_code in (302, 403)
    url = reverse("wagtail_bulk_action", args=["contest", "entry", "contest_mark_eligible"]) + f"?id={entry.pk}"
    client.post(url, {"reason": ""})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
