"""Entry photos for judges: streamed from private storage to the judge assigned to the entry, never by file name."""

import mimetypes

from django.http import FileResponse, Http404

from ..models import EntryPhoto
from .judging import own_assignment


def assignment_photo(request, assignment_id, photo_id, size):
    """A photo of the assigned entry (thumbnail or full size); 403 for anyone but the assigned judge.

    The response names the file "anh-<n>": the stored name may carry the author's own file name.
    """
    assignment = own_assignment(request, assignment_id)
    try:
        photo = EntryPhoto.objects.get(pk=photo_id, entry_id=assignment.entry_id)
    except EntryPhoto.DoesNotExist:
        raise Http404 from None
    field = photo.thumbnail if size == "thumb" else photo.image
    if not field:
        raise Http404
    try:
        handle = field.storage.open(field.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    extension = field.name.rsplit(".", 1)[-1].lower() if "." in field.name else "jpg"
    content_type = mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="anh-{photo.sort_order + 1}.{extension}"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
