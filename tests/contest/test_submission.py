"""Sending an entry through the form: receipt, e-mail, private link, and every rule the server enforces."""

import datetime
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wagtail.models import ModelLogEntry

from contest.models import Entry, EntryPhoto, EntryVersion, ReceiptCounter
from contest.text import count_words, text_fingerprint

from .fixtures_submission import *  # noqa: F403
from .fixtures_submission import form_data, make_edition, photo_upload, submit_url, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]


def private_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def post(client, edition, data, photos=None, **files):
    payload = dict(data)
    payload["photos"] = photos if photos is not None else [photo_upload("a.jpg"), photo_upload("b.jpg")]
    payload.update(files)
    return client.post(submit_url(edition), payload)


def test_valid_entry_gets_receipt_code_email_and_private_link(
    client, edition, locality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, edition, form_data(edition, locality))
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.code == "GNT2025-0001"
    assert entry.photos.count() == 2
    assert entry.versions.get().number == 1
    thanks = client.get(response["Location"])
    assert "GNT2025-0001" in thanks.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hoa@example.vn"]
    assert "GNT2025-0001" in message.subject
    link = re.search(r"https?://[^/\s]+(/\S+/bai-du-thi/\S+/)", message.body).group(1)
    status = client.get(link)
    assert status.status_code == 200
    assert "Nồi cháo tình thương" in status.content.decode()
    assert status["Cache-Control"].count("no-store") == 1
    assert status["Referrer-Policy"] == "same-origin"
    # Only the token's hash is stored.
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in entry.access_token_hash
    assert ModelLogEntry.objects.filter(action="contest.entry.submitted", object_id=str(entry.pk)).count() == 1


def test_stored_photo_has_no_exif_and_is_reencoded(client, edition, locality):
    post(client, edition, form_data(edition, locality), photos=[photo_upload("gps.jpg", size=(4000, 3000))])
    photo = EntryPhoto.objects.get()
    with photo.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info
        assert max(image.size) == 2560
    with photo.thumbnail.open("rb") as handle:
        assert max(Image.open(handle).size) == 480
    assert len(photo.sha256) == 64
    assert str(settings.PRIVATE_MEDIA_ROOT) in photo.image.path
    assert not photo.image.path.startswith(str(settings.MEDIA_ROOT))


def test_double_click_submits_once(client, edition, locality, django_capture_on_commit_callbacks):
    data = form_data(edition, locality)
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, edition, data)
    with django_capture_on_commit_callbacks(execute=True):
        second = post(client, edition, data)
    assert first.status_code == second.status_code == 302
    assert Entry.objects.count() == 1
    assert len(mail.outbox) == 1


def refused(client, edition, data, **kwargs):
    before = private_files()
    response = post(client, edition, data, **kwargs)
    assert response.status_code == 200
    assert Entry.objects.count() == 0
    assert EntryPhoto.objects.count() == 0
    assert private_files() == before == []
    assert mail.outbox == []
    return response.content.decode()


def test_after_deadline_is_refused(client, home_page, locality):
    closed = make_edition(home_page, opens=-20, closes=-1)
    html = refused(client, closed, form_data(closed, locality))
    assert "không nhận bài" in html


def test_deadline_passing_while_the_form_is_open_is_refused_by_the_service(edition, locality):
    from contest.services.submission import SubmissionRefused, submit_entry

    later = edition.submissions_close + datetime.timedelta(seconds=1)
    with pytest.raises(SubmissionRefused, match="Hết hạn nhận bài"):
        submit_entry(edition=edition, data={"body": "x", "author_email": "a@b.vn"}, photos=[], now=later)
    assert not Entry.objects.exists()


def test_over_word_limit_is_refused_and_typed_values_kept(client, edition, locality):
    data = form_data(edition, locality, body=text_of(301, seed="dai"))
    html = refused(client, edition, data)
    assert "301 chữ" in html and "tối đa 300" in html
    assert "Nồi cháo tình thương" in html and "hoa@example.vn" in html and "dai" in html
    assert "chọn lại ảnh" in html


def test_under_minimum_words_is_refused(client, edition, locality):
    html = refused(client, edition, form_data(edition, locality, body="Quá ngắn"))
    assert "ít nhất 50" in html


def test_php_file_named_jpg_is_refused(client, edition, locality):
    fake = SimpleUploadedFile("anh.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    html = refused(client, edition, form_data(edition, locality), photos=[fake])
    assert "không phải ảnh JPEG, PNG hay WebP" in html


def test_decompression_bomb_png_is_refused(client, edition, locality):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 2 * 1024 * 1024  # small on disk, 400 million pixels once decoded
    bomb = SimpleUploadedFile("bom.png", buffer.getvalue(), content_type="image/png")
    html = refused(client, edition, form_data(edition, locality), photos=[bomb])
    assert "quá nhiều điểm ảnh" in html


def test_oversized_photo_is_refused(client, edition, locality):
    big = SimpleUploadedFile("lon.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024 + 10), content_type="image/jpeg")
    html = refused(client, edition, form_data(edition, locality), photos=[big])
    assert "lớn hơn 2 MB" in html


def test_too_many_photos_is_refused(client, edition, locality):
    html = refused(client, edition, form_data(edition, locality), photos=[photo_upload(f"{i}.jpg") for i in range(4)])
    assert "tối đa 3 ảnh" in html


def test_missing_declaration_is_refused(client, edition, locality):
    data = form_data(edition, locality)
    del data["consents_to_data_processing"]
    html = refused(client, edition, data)
    assert "Hãy đánh dấu cam kết này" in html


def test_honeypot_is_refused(client, edition, locality):
    refused(client, edition, form_data(edition, locality, website="http://spam.example"))


def test_per_author_limit_counts_by_email_case_insensitively(client, edition, locality):
    for n in range(2):
        assert post(client, edition, form_data(edition, locality, title=f"Bài {n}")).status_code == 302
    files_before = private_files()
    response = post(client, edition, form_data(edition, locality, author_email="HOA@example.vn"))
    assert response.status_code == 200
    assert "tối đa 2 bài" in response.content.decode()
    assert Entry.objects.count() == 2
    assert private_files() == files_before


def test_same_text_twice_is_refused_even_with_other_spacing_and_case(client, edition, locality):
    body = text_of(80, seed="trung")
    assert post(client, edition, form_data(edition, locality, body=body)).status_code == 302
    again = form_data(edition, locality, author_email="khac@example.vn", body="  " + body.upper().replace(" ", "\n "))
    response = post(client, edition, again)
    assert response.status_code == 200
    assert "đã được gửi" in response.content.decode()
    assert Entry.objects.count() == 1


def test_fake_docx_and_zip_bomb_originals_are_refused(client, edition, locality):
    import zipfile

    html = refused(
        client,
        edition,
        form_data(edition, locality),
        original=SimpleUploadedFile("bai.docx", b"PK\x03\x04 not really a zip"),
    )
    assert "Word (.docx) hoặc PDF" in html
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "0" * (70 * 1024 * 1024))
    html = refused(
        client, edition, form_data(edition, locality), original=SimpleUploadedFile("bom.docx", buffer.getvalue())
    )
    assert "Word (.docx) hoặc PDF" in html


def test_real_docx_and_pdf_originals_are_stored_privately(client, edition, locality):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    post(
        client,
        edition,
        form_data(edition, locality),
        original=SimpleUploadedFile("Bài của Hoa.docx", buffer.getvalue()),
    )
    entry = Entry.objects.get()
    assert entry.original_file.name.endswith("/original.docx")
    assert "Hoa" not in entry.original_file.name
    post(
        client,
        edition,
        form_data(edition, locality, author_email="b@example.vn"),
        original=SimpleUploadedFile("bai.pdf", b"%PDF-1.7\n%..."),
    )
    assert Entry.objects.get(author_email="b@example.vn").original_file.name.endswith(".pdf")


def test_rate_limit_per_address(client, edition, locality, settings):
    settings.CONTEST_SUBMISSIONS_PER_HOUR = 2
    bad = form_data(edition, locality, body="ngắn")
    post(client, edition, bad)
    post(client, edition, bad)
    response = post(client, edition, form_data(edition, locality))
    assert "Quá nhiều lần gửi" in response.content.decode()
    assert Entry.objects.count() == 0
    other = client.post(submit_url(edition), {}, REMOTE_ADDR="10.0.0.9")
    assert "Quá nhiều lần gửi" not in other.content.decode()


def test_rate_limit_behind_a_proxy_uses_the_address_the_proxy_saw(client, edition, locality, settings):
    settings.CONTEST_SUBMISSIONS_PER_HOUR = 1
    settings.TRUSTED_PROXY_COUNT = 1
    bad = form_data(edition, locality, body="ngắn")
    client.post(submit_url(edition), bad, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    second = client.post(submit_url(edition), bad, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5")
    assert "Quá nhiều lần gửi" in second.content.decode()  # a forged first value does not escape the limit
    other = client.post(submit_url(edition), bad, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert "Quá nhiều lần gửi" not in other.content.decode()


def test_script_in_fields_is_shown_as_text(client, edition, locality):
    response = post(client, edition, form_data(edition, locality, title="<script>alert(1)</script>", body="ngắn"))
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_word_count_and_fingerprint():
    assert count_words("Chị  Lan — người tốt,\nviệc tốt!") == 6
    assert text_fingerprint("Người TỐT,  việc tốt") == text_fingerprint("người tốt việc tốt")
    assert text_fingerprint("Người tốt") != text_fingerprint("Người tồt")


def test_counter_row_and_versions_follow_submissions(client, edition, locality):
    post(client, edition, form_data(edition, locality))
    assert ReceiptCounter.objects.get(edition=edition).last_number == 1
    assert EntryVersion.objects.count() == 1
    assert timezone.now() - Entry.objects.get().submitted_at < datetime.timedelta(minutes=1)


@pytest.mark.parametrize("field", ["movement", "subject_locality"])
def test_an_id_beyond_64_bits_is_an_invalid_choice_not_a_server_error(client, edition, locality, field):
    """SQLite cannot even compare such a number: the form must call it an invalid choice and keep the rest."""
    data = form_data(edition, locality, **{field: str(2**63)})
    html = refused(client, edition, data)
    assert "Hãy chọn một lựa chọn hợp lệ" in html
    assert f'value="{data["author_name"]}"' in html
