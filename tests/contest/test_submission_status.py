"""The private status page: history, amendments kept as versions, withdrawal, all before the deadline only."""

import datetime
import re

import pytest

from django.core import mail

from contest.models import Entry, EntryVersion
from contest.services.screening import screen_entry
from contest.services.status import set_entry_status
from contest.statuses import EntryStatus

from .fixtures_submission import *  # noqa: F403
from .fixtures_submission import make_entry, photo_upload, status_path, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]


def amend_data(entry, **overrides):
    data = {
        "co_authors": "",
        "subject_name": entry.subject_name,
        "subject_address": entry.subject_address,
        "subject_contact": entry.subject_contact,
        "title": entry.title,
        "genre": str(entry.genre_id),
        "body": entry.body,
        "note": "",
        "base_version": str(entry.versions.count()),
    }
    data.update(overrides)
    return data


def test_status_page_shows_entry_and_history(client, edition, locality):
    entry, token = make_entry(edition, locality)
    html = client.get(status_path(entry, token)).content.decode()
    assert entry.code in html and entry.title in html
    assert f"Đã nhận bài, mã {entry.code}" in html
    assert "Sửa bài dự thi" in html and "Rút bài dự thi" in html


def test_amendment_keeps_a_new_version_and_tells_the_author(
    client, edition, locality, django_capture_on_commit_callbacks
):
    entry, token = make_entry(edition, locality)
    new_body = text_of(90, seed="sua-")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            status_path(entry, token, "entry_amend"), amend_data(entry, body=new_body, note="Thêm đoạn kết")
        )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.body == new_body and entry.word_count == 90
    versions = list(EntryVersion.objects.filter(entry=entry).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].body != new_body and versions[1].body == new_body
    assert versions[1].note == "Thêm đoạn kết"
    assert entry.photos.count() == 1  # photos kept when none are chosen
    html = client.get(status_path(entry, token)).content.decode()
    assert "Đã sửa bài (phiên bản 2)" in html
    assert "Phiên bản 2" in html
    assert mail.outbox[-1].subject == f"[{edition.title}] Đã sửa bài dự thi {entry.code}"


def test_amendment_can_replace_photos(client, edition, locality, settings):
    entry, token = make_entry(edition, locality, photos=2)
    old_names = [p.image.name for p in entry.photos.all()]
    response = client.post(
        status_path(entry, token, "entry_amend"), {**amend_data(entry), "photos": [photo_upload("moi.jpg")]}
    )
    assert response.status_code == 302
    assert entry.photos.count() == 1
    assert entry.photos.get().image.name not in old_names


def test_amendment_over_the_word_limit_is_refused_and_nothing_changes(client, edition, locality):
    entry, token = make_entry(edition, locality)
    response = client.post(status_path(entry, token, "entry_amend"), amend_data(entry, body=text_of(301)))
    assert response.status_code == 200
    assert "tối đa 300 chữ" in response.content.decode()
    assert EntryVersion.objects.filter(entry=entry).count() == 1


def test_amending_to_another_entrys_text_is_refused(client, edition, locality):
    first, _ = make_entry(edition, locality, 1)
    entry, token = make_entry(edition, locality, 2)
    response = client.post(status_path(entry, token, "entry_amend"), amend_data(entry, body=first.body))
    assert "đã được gửi" in response.content.decode()


def test_no_amendment_or_withdrawal_after_the_deadline(client, edition, locality):
    entry, token = make_entry(edition, locality)
    past = edition.submissions_close - datetime.timedelta(days=30)
    type(edition).objects.filter(pk=edition.pk).update(submissions_close=past + datetime.timedelta(days=1))
    edition.refresh_from_db()
    html = client.get(status_path(entry, token)).content.decode()
    assert "Sửa bài dự thi" not in html
    response = client.post(status_path(entry, token, "entry_amend"), amend_data(entry, body=text_of(90, "muon")))
    assert "Hết hạn nhận bài" in response.content.decode()
    client.post(status_path(entry, token, "entry_withdraw"))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_withdrawal_frees_the_place_and_is_shown(client, edition, locality, django_capture_on_commit_callbacks):
    entry, token = make_entry(edition, locality)
    assert "Bạn thật sự muốn rút bài" in client.get(status_path(entry, token, "entry_withdraw")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_path(entry, token, "entry_withdraw"))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN
    assert mail.outbox[-1].subject == f"[{edition.title}] Đã rút bài dự thi {entry.code}"
    html = client.get(status_path(entry, token)).content.decode()
    assert "Trạng thái: đã rút" in html.lower() or "đã rút" in html
    # The same text may be sent again once withdrawn.
    again, _ = make_entry(edition, locality, 1, body=entry.body, title="Gửi lại")
    assert again.pk != entry.pk


def test_author_sees_ineligible_reason_but_not_internal_judging_steps(client, edition, locality, admin_user):
    entry, token = make_entry(edition, locality)
    screen_entry(entry=entry, eligible=False, reason="Bài đã đăng trên báo", user=admin_user)
    html = client.get(status_path(entry, token)).content.decode()
    assert "Bài đã đăng trên báo" in html
    assert admin_user.username not in html
    other, other_token = make_entry(edition, locality, 2)
    set_entry_status(other, EntryStatus.ELIGIBLE)
    set_entry_status(other, EntryStatus.FINALIST)
    html = client.get(status_path(other, other_token)).content.decode()
    assert "vào chung khảo" not in html.lower()


def test_receipt_email_link_is_the_status_page(client, edition, locality, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry, token = make_entry(edition, locality)
    body = mail.outbox[0].body
    assert token in body
    path = re.search(r"https?://[^/\s]+(/\S+)", body).group(1)
    assert path == status_path(entry, token)
    assert Entry.objects.get(pk=entry.pk).access_token_hash not in body


def test_double_click_on_amend_saves_one_version(client, edition, locality):
    entry, token = make_entry(edition, locality)
    data = amend_data(entry, body=text_of(95, seed="hai-lan-"))
    first = client.post(status_path(entry, token, "entry_amend"), data)
    second = client.post(status_path(entry, token, "entry_amend"), data)
    assert first.status_code == second.status_code == 302
    assert EntryVersion.objects.filter(entry=entry).count() == 2


def test_amendment_from_a_stale_form_is_refused(client, edition, locality):
    entry, token = make_entry(edition, locality)
    stale = amend_data(entry, body=text_of(95, seed="tab-mot-"))
    client.post(status_path(entry, token, "entry_amend"), amend_data(entry, body=text_of(96, seed="tab-hai-")))
    response = client.post(status_path(entry, token, "entry_amend"), stale)
    assert response.status_code == 200
    assert "đã thay đổi kể từ khi bạn mở trang này" in response.content.decode()
    assert EntryVersion.objects.filter(entry=entry).count() == 2
