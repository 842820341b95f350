"""A corpus of hostile files, built here, refused by every upload that takes them, each with a Vietnamese message.

The corpus: PNG and JPEG polyglots carrying PHP or HTML, a truncated JPEG, an SVG with script named .jpg and .png,
a decompression-bomb PNG (huge dimensions in a tiny file), a zip bomb dressed as a DOCX, an HTML page named .pdf
and one with a PDF header in front. The uploads: the entry's photos and original (contest/photos.py,
contest/originals.py, through the submission page too) and the locality's verification reply (VerificationForm).
"""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from contest.forms.awards import VerificationForm
from contest.models import Entry, EntryPhoto
from contest.originals import OriginalFileError, check_original
from contest.photos import PhotoError, process_photo
from tests.contest import fixtures_submission
from tests.factories import LocalityFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"


def png_bytes(size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(640, 480)):
    return fixtures_submission.jpeg_bytes(size=size, with_gps=False)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side=60_000):
    """A valid PNG header announcing side×side pixels, with a few hundred bytes of compressed zeros."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (side // 8 + 1) * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def docx_zip_bomb(unpacked_mb=80):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            block = b"\x00" * MB
            for _ in range(unpacked_mb):
                member.write(block)
    return buffer.getvalue()


IMAGES = {
    "png-php-polyglot.png": png_bytes() + PHP,
    "jpeg-html-polyglot.jpg": jpeg_bytes() + HTML,
    "jpeg-php-in-comment.jpg": (
        jpeg_bytes()[:2] + b"\xff\xfe" + struct.pack(">H", len(PHP) + 2) + PHP + jpeg_bytes()[2:]
    ),
    "truncated.jpg": jpeg_bytes()[: len(jpeg_bytes()) // 2],
    "svg-script.jpg": SVG,
    "svg-script.png": SVG,
    "decompression-bomb.png": png_bomb(),
    "zip-as.jpg": None,  # filled below: the zip bomb under an image's name
    "html-as.png": HTML,
}
ORIGINALS = {
    "zip-bomb.docx": None,
    "html-as.pdf": HTML,
    "pdf-header-html.pdf": b"%PDF-1.4\n" + HTML,
    "svg-as.pdf": SVG,
    "png-as.docx": png_bytes(),
}
REPLIES = {**IMAGES, "html-as.pdf": HTML, "pdf-header-html.pdf": b"%PDF-1.7\n" + HTML}


@pytest.fixture(scope="module")
def zip_bomb():
    return docx_zip_bomb()


def corpus(table, zip_bomb):
    return [(name, zip_bomb if data is None else data) for name, data in table.items()]


def test_the_corpus_is_what_it_claims(zip_bomb):
    """The files are small and really are what their names say (so refusing them proves the checks)."""
    bomb = png_bomb()
    assert len(bomb) < 5_000 and struct.unpack(">II", bomb[16:24]) == (60_000, 60_000)
    assert len(zip_bomb) < MB and sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(zip_bomb)).infolist()) > 75 * MB
    Image.open(io.BytesIO(IMAGES["png-php-polyglot.png"])).load()  # a polyglot still opens as a picture
    Image.open(io.BytesIO(IMAGES["jpeg-html-polyglot.jpg"])).load()


@pytest.mark.parametrize("name", list(IMAGES))
def test_photo_check_refuses_each_hostile_file_in_vietnamese(name, zip_bomb):
    data = dict(corpus(IMAGES, zip_bomb))[name]
    with pytest.raises(PhotoError) as refusal:
        process_photo(SimpleUploadedFile(name, data), max_bytes=5 * MB)
    message = str(refusal.value.args[0])
    assert name in message
    assert any(word in message for word in ("không phải", "hỏng", "điểm ảnh", "mã", "lớn hơn")), message


@pytest.mark.parametrize("name", list(ORIGINALS))
def test_original_check_refuses_each_hostile_file_in_vietnamese(name, zip_bomb):
    data = dict(corpus(ORIGINALS, zip_bomb))[name]
    with pytest.raises(OriginalFileError) as refusal:
        check_original(SimpleUploadedFile(name, data))
    message = str(refusal.value.args[0])
    assert "PDF" in message and ("tệp" in message.lower() or "Tệp" in message), message


def test_a_real_pdf_original_and_a_clean_photo_still_pass():
    assert check_original(SimpleUploadedFile("bai.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")) == "pdf"
    assert process_photo(SimpleUploadedFile("anh.jpg", jpeg_bytes()), max_bytes=5 * MB).width == 640


def verification(name, data, locality):
    return VerificationForm(
        data={
            "locality": locality.pk,
            "letter_number": "12/BTC",
            "letter_date": "2025-05-01",
            "outcome": "confirmed",
            "answered_on": "2025-05-10",
            "note": "",
        },
        files={"reply_document": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize("name", list(REPLIES))
def test_verification_reply_refuses_each_hostile_file_in_vietnamese(name, zip_bomb):
    locality = LocalityFactory(name="Tân Ninh")
    form = verification(name, dict(corpus(REPLIES, zip_bomb))[name], locality)
    assert not form.is_valid()
    (message,) = form.errors["reply_document"]
    assert any(word in message for word in ("phải", "hỏng", "điểm ảnh", "mã", "không")), message


def test_verification_reply_accepts_a_real_scan_and_a_pdf():
    locality = LocalityFactory(name="Tân Ninh")
    assert verification("tra-loi.jpg", jpeg_bytes(), locality).is_valid()
    assert verification("tra-loi.png", png_bytes(), locality).is_valid()
    assert verification("tra-loi.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", locality).is_valid()


# --- Through the submission page: refused with the message on the page, nothing saved, no file left -----------------


def private_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def submission(home_page, settings):
    settings.CONTEST_SUBMISSIONS_PER_HOUR = 10_000
    return fixtures_submission.make_edition(home_page), LocalityFactory(name="Tân Ninh")


@pytest.mark.parametrize("name", ["png-php-polyglot.png", "truncated.jpg", "svg-script.png", "decompression-bomb.png"])
def test_submission_page_refuses_a_hostile_photo_and_keeps_nothing(client, submission, name, zip_bomb):
    edition, locality = submission
    before = private_files()
    data = fixtures_submission.form_data(edition, locality)
    data["photos"] = [SimpleUploadedFile(name, dict(corpus(IMAGES, zip_bomb))[name])]
    response = client.post(fixtures_submission.submit_url(edition), data)
    assert response.status_code in (200, 400)
    assert name in response.content.decode()
    assert Entry.objects.count() == 0 and EntryPhoto.objects.count() == 0
    assert private_files() == before


@pytest.mark.parametrize("name", ["zip-bomb.docx", "pdf-header-html.pdf"])
def test_submission_page_refuses_a_hostile_original_and_keeps_nothing(client, submission, name, zip_bomb):
    edition, locality = submission
    before = private_files()
    data = fixtures_submission.form_data(edition, locality)
    data["photos"] = [fixtures_submission.photo_upload("anh.jpg")]
    data["original"] = SimpleUploadedFile(name, dict(corpus(ORIGINALS, zip_bomb))[name])
    response = client.post(fixtures_submission.submit_url(edition), data)
    assert response.status_code in (200, 400)
    assert "PDF" in response.content.decode()
    assert Entry.objects.count() == 0 and private_files() == before
