"""Photo processing with Pillow: decoded, bounded, re-encoded without metadata, thumbnailed, fingerprinted."""

import hashlib
import io

import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile

from contest.photos import MAX_PIXELS, PhotoError, process_photo

from .fixtures_submission import jpeg_bytes

MB = 1024 * 1024


def upload(data, name="anh.jpg"):
    return SimpleUploadedFile(name, data)


def encoded(mode, size, fmt, **params):
    buffer = io.BytesIO()
    Image.new(mode, size, **params).save(buffer, format=fmt)
    return buffer.getvalue()


def test_gps_and_camera_exif_are_stripped():
    original = jpeg_bytes(size=(800, 600))
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)  # the test photo really carries GPS
    result = process_photo(upload(original), max_bytes=5 * MB)
    image = Image.open(io.BytesIO(result.content))
    assert not image.getexif()
    assert not Image.open(io.BytesIO(result.thumbnail)).getexif()
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    assert (result.width, result.height) == (800, 600)


def test_orientation_is_applied_before_metadata_is_dropped():
    image = Image.new("RGB", (600, 400), (10, 200, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when shown
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    result = process_photo(upload(buffer.getvalue()), max_bytes=5 * MB)
    assert (result.width, result.height) == (400, 600)


def test_transparent_png_and_webp_become_jpeg():
    for fmt in ("PNG", "WEBP"):
        data = encoded("RGBA", (300, 200), fmt, color=(0, 0, 0, 0))
        result = process_photo(upload(data, f"a.{fmt.lower()}"), max_bytes=5 * MB)
        image = Image.open(io.BytesIO(result.content))
        assert image.format == "JPEG" and image.mode == "RGB"
        assert image.getpixel((5, 5)) == (255, 255, 255)


def test_large_photo_is_scaled_and_thumbnailed():
    result = process_photo(upload(jpeg_bytes(size=(5000, 2500), with_gps=False)), max_bytes=20 * MB)
    assert (result.width, result.height) == (2560, 1280)
    assert Image.open(io.BytesIO(result.thumbnail)).size == (480, 240)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<?php echo 'x'; ?>", "không phải ảnh"),
        (b"GIF89a" + b"\x00" * 100, "không phải ảnh"),
        (jpeg_bytes(size=(900, 700))[:-600], "bị hỏng"),
        (b"", "không phải ảnh"),
    ],
)
def test_non_photos_are_refused(data, message):
    with pytest.raises(PhotoError, match=message):
        process_photo(upload(data), max_bytes=5 * MB)


def test_gif_is_refused_even_when_it_decodes():
    with pytest.raises(PhotoError, match="không phải ảnh"):
        process_photo(upload(encoded("P", (10, 10), "GIF"), "a.gif"), max_bytes=5 * MB)


def test_decompression_bomb_is_refused_before_decoding():
    data = encoded("1", (20000, 20000), "PNG")
    with pytest.raises(PhotoError, match="quá nhiều điểm ảnh"):
        process_photo(upload(data, "bom.png"), max_bytes=5 * MB)


def test_pixel_bound_below_pillows_own_limit():
    side = int(MAX_PIXELS**0.5) + 100  # over our bound, under Pillow's warning threshold
    data = encoded("1", (side, side), "PNG")
    with pytest.raises(PhotoError, match="triệu điểm ảnh"):
        process_photo(upload(data, "to.png"), max_bytes=5 * MB)


def test_size_limit():
    with pytest.raises(PhotoError, match="lớn hơn 1 MB"):
        process_photo(upload(b"\xff\xd8" + b"0" * (MB + 1)), max_bytes=MB)


def test_a_big_photo_is_never_copied_at_full_size(monkeypatch):
    # A 12 MP phone photo is 36 MB once decoded: five of them in one submission must not each hold extra
    # full-size copies (the worker's peak memory), so the picture is transposed and shrunk in place.
    copied = []
    original_copy = Image.Image.copy

    def spying_copy(image):
        copied.append(image.size)
        return original_copy(image)

    monkeypatch.setattr(Image.Image, "copy", spying_copy)
    result = process_photo(upload(jpeg_bytes(size=(4032, 3024))), max_bytes=10 * MB)
    assert (result.width, result.height) == (2560, 1920)
    assert (4032, 3024) not in copied


@pytest.mark.parametrize(
    "size", [(4032, 3024), (3024, 4032), (5000, 2500), (2561, 7), (7, 2561), (2560, 2560), (800, 600)]
)
def test_the_stored_size_is_the_one_pillow_thumbnail_would_choose(size):
    # The stored picture is resized in two passes (to free the original between them); its size must stay the
    # one a single Image.thumbnail gives, or photos would change shape.
    from contest.photos import STORED_SIDE, _fitting_size

    expected = Image.new("1", size)
    expected.thumbnail((STORED_SIDE, STORED_SIDE))
    assert (_fitting_size(size, STORED_SIDE) or size) == expected.size
