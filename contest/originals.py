"""The optional original file of an entry: a real DOCX or PDF, checked by content and bounded when unpacked."""

import zipfile

from django.utils.translation import gettext_lazy as _

from .photos import carries_markup

MAX_ORIGINAL_BYTES = 15 * 1024 * 1024
# A DOCX of a 2,500-word text with photos unpacks to a few MB; more than this is a zip bomb.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000


class OriginalFileError(ValueError):
    """A file that is not an acceptable original; the message is for the author."""


def _is_docx(uploaded):
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                return False
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                return False
            names = {member.filename for member in members}
            return "word/document.xml" in names and "[Content_Types].xml" in names
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def check_original(uploaded):
    """Return the extension to store the file under ("pdf" or "docx"); raise OriginalFileError otherwise."""
    name = getattr(uploaded, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if uploaded.size > MAX_ORIGINAL_BYTES:
        raise OriginalFileError(
            _("The original file is larger than %(limit)s MB.") % {"limit": MAX_ORIGINAL_BYTES // (1024 * 1024)}
        )
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if extension == "pdf" and head.startswith(b"%PDF-"):
        data = uploaded.read()
        uploaded.seek(0)
        if carries_markup(data):  # a web page with a PDF header in front of it
            raise OriginalFileError(_("The original file carries web code or script; send a real PDF."))
        return "pdf"
    if extension == "docx" and head.startswith(b"PK\x03\x04") and _is_docx(uploaded):
        uploaded.seek(0)
        return "docx"
    raise OriginalFileError(_("The original file must be a real Word (.docx) or PDF document."))
