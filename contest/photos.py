"""Contest photos: decoded to prove they are images, bounded in pixels, re-encoded without metadata, thumbnailed."""

import ctypes
import hashlib
import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from django.utils.translation import gettext_lazy as _

# Enough for any phone or camera photo (a 48 MP sensor is 8000×6000); beyond this it is a decompression bomb.
MAX_PIXELS = 50_000_000
MAX_SIDE = 12_000
# Stored photos are scaled down to this longest side: enough to print, small enough to judge and stream.
STORED_SIDE = 2560
THUMBNAIL_SIDE = 480
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}


# What a browser or a PHP interpreter would run if a file were ever served or included as code: a photo or a PDF
# has no business carrying it (polyglots). The odds of these bytes occurring by chance in compressed data are nil.
MARKUP_SIGNATURES = (b"<?php", b"<script", b"<html", b"<!doctype html", b"<svg", b"<iframe", b"<body", b"<?=")


def carries_markup(data):
    """True when the bytes contain HTML, SVG or PHP: the mark of a polyglot file."""
    lowered = data.lower()
    return any(signature in lowered for signature in MARKUP_SIGNATURES)


class PhotoError(ValueError):
    """A file that is not a photo we accept; the message is for the author."""


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    extension: str = "jpg"


def _open_bounded(data, name):
    """Open the image header only and refuse it before any pixel is decoded when it is too large."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(_("“%(name)s” has too many pixels to be a photo.") % {"name": name}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError(_("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name}) from None
    if image.format not in ACCEPTED_FORMATS:
        raise PhotoError(_("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": name})
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise PhotoError(
            _("“%(name)s” is %(width)s×%(height)s pixels; photos may have at most %(limit)s million pixels.")
            % {"name": name, "width": width, "height": height, "limit": MAX_PIXELS // 1_000_000}
        )
    return image


def _fitting_size(size, side):
    """The size Image.thumbnail((side, side)) gives a picture of `size` (aspect kept), or None when it fits."""
    width, height = size
    if width <= side and height <= side:
        return None
    aspect = width / height
    if aspect >= 1:
        candidates = (math.floor(side / aspect), math.ceil(side / aspect))
        return side, max(min(candidates, key=lambda n: abs(aspect - side / n) if n else 0), 1)
    candidates = (math.floor(side * aspect), math.ceil(side * aspect))
    return max(min(candidates, key=lambda n: abs(aspect - n / side)), 1), side


def _encode(image, side, quality):
    """Shrink `image` in place to fit `side` and encode it: no full-size copy (a 12 MP photo is 36 MB decoded)."""
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # No exif= argument: the new file carries no EXIF, so no GPS position or camera serial leaves with it.
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue(), image.size


def _glibc_malloc_trim():
    """glibc's malloc_trim, or None off glibc (musl, macOS): there the call is simply not made."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


_MALLOC_TRIM = _glibc_malloc_trim()


def release_freed_memory():
    """Hand the heap's free pages back to the OS; True when glibc released some, False when it had none or off glibc.

    Decoding a photo allocates tens of MB that glibc would otherwise keep for the worker's lifetime (see
    site/config/gunicorn.conf.py, which makes most such blocks mmapped in the first place).
    """
    return bool(_MALLOC_TRIM(0)) if _MALLOC_TRIM is not None else False


def process_photo(uploaded, *, max_bytes):
    """Check and clean one uploaded photo; raise PhotoError with a message for the author when it is refused."""
    try:
        return _process_photo(uploaded, max_bytes=max_bytes)
    finally:
        # Every decoded copy is garbage once _process_photo returns or refuses: give its pages back now.
        release_freed_memory()


def _process_photo(uploaded, *, max_bytes):
    name = getattr(uploaded, "name", "") or "ảnh"
    if uploaded.size > max_bytes:
        raise PhotoError(
            _("“%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": max_bytes // (1024 * 1024)}
        )
    uploaded.seek(0)
    data = uploaded.read()
    # verify() walks the whole file without decoding pixels: it catches truncated and forged files cheaply.
    try:
        _open_bounded(data, name).verify()
        image = _open_bounded(data, name)
        image.load()
    except PhotoError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoError(_("“%(name)s” is damaged or not a photo.") % {"name": name}) from None
    if carries_markup(data):  # a real picture with a web page or PHP riding along (a polyglot)
        raise PhotoError(_("“%(name)s” carries web code or script besides the picture.") % {"name": name})
    ImageOps.exif_transpose(image, in_place=True)  # in place: a copy would hold a second full-size picture
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    # The original (36 MB decoded for 12 MP) is let go after the first pass, before the second allocates: peak
    # memory per photo is the original plus one narrower copy, not the original plus two.
    data = None
    size = _fitting_size(image.size, STORED_SIDE)
    if size is not None:
        # Width first, then height: exactly what one LANCZOS resize does inside Pillow, in two calls.
        image = image.resize((size[0], image.height), Image.Resampling.LANCZOS)
        image = image.resize(size, Image.Resampling.LANCZOS)
    content, (width, height) = _encode(image, STORED_SIDE, 88)
    # From the stored size, not the original: the same thumbnail for a fraction of the work.
    thumbnail, _size = _encode(image, THUMBNAIL_SIDE, 80)
    return ProcessedPhoto(
        content=content,
        thumbnail=thumbnail,
        width=width,
        height=height,
        sha256=hashlib.sha256(content).hexdigest(),
    )
