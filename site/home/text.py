"""Vietnamese text helpers used across apps: ASCII folding for search and slugs."""

from anyascii import anyascii

from django.utils.text import slugify


def fold(text):
    """Lower-case ASCII form of Vietnamese text: "Người tốt Đông" -> "nguoi tot dong".

    Search indexes and queries both pass through this, so accents never decide a match.
    """
    return anyascii(text or "").lower()


def slugify_vi(text, max_length=255):
    """ASCII slug from Vietnamese (`Đoàn Văn` -> `doan-van`); Django's slugify alone drops `đ`."""
    return slugify(anyascii(text or ""))[:max_length].strip("-")
