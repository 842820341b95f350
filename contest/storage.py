"""Private storage: no half-written file after a failed write, and removal of files no record refers to."""

import datetime
import logging
import os
import secrets
from contextlib import suppress

from django.apps import apps
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)


class _StagedFile:
    """A file already complete on disk, which FileSystemStorage moves into place instead of streaming."""

    def __init__(self, path):
        self.path = path

    def temporary_file_path(self):
        return self.path


class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage writing each file to a hidden temporary name in the target folder, then renaming it.

    Django's own `_save` streams into the final name: a write that fails part-way (ENOSPC, a quota, an I/O error)
    leaves a truncated file that nothing references and the caller never learns the name of. Here the partial file
    is the temporary one, removed on any failure; the rename into place is atomic on one filesystem. A worker killed
    while writing leaves only a `.partial-*` file, which `clean_private_files` removes once it is old.
    """

    PARTIAL_PREFIX = ".partial-"

    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        staged = os.path.join(directory, self.PARTIAL_PREFIX + secrets.token_hex(8))
        # Mode 0o666 less the umask, as Django gives the files it streams itself.
        handle = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            with os.fdopen(handle, "wb") as output:
                for chunk in content.chunks():
                    output.write(chunk if isinstance(chunk, bytes) else chunk.encode())
            return super()._save(name, _StagedFile(staged))
        finally:
            # After a successful move the staged name is gone; after a failure it is the partial file.
            with suppress(FileNotFoundError):
                os.remove(staged)


def referenced_private_files():
    """The names every file field kept in the private storage refers to, across all models."""
    from .models import private_storage

    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and getattr(field, "_storage_callable", None) is private_storage:
                names.update(model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True))
    return names


def _walk(storage, directory=""):
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:  # nothing was ever stored
        return
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for folder in folders:
        yield from _walk(storage, f"{directory}/{folder}" if directory else folder)


def unreferenced_private_files(*, older_than, now=None):
    """Files in the private storage that no record refers to and that were last written before `now - older_than`.

    The age matters: a submission writes its files before its transaction commits, so a young unreferenced file
    may belong to a request still running. Files left by a killed worker or a rolled-back outer transaction are
    old soon enough.
    """
    from .models import private_storage

    storage = private_storage()
    cutoff = (now or timezone.now()) - older_than
    referenced = referenced_private_files()
    # Names are read before the folders are walked: a file committed meanwhile is young, so never listed.
    return [name for name in _walk(storage) if name not in referenced and storage.get_modified_time(name) < cutoff]


def remove_unreferenced_private_files(*, older_than=datetime.timedelta(hours=24), now=None, dry_run=False):
    """Delete (or, with `dry_run`, only list) the files `unreferenced_private_files` finds; return their names."""
    from .models import private_storage

    storage = private_storage()
    names = unreferenced_private_files(older_than=older_than, now=now)
    for name in names:
        if not dry_run:
            storage.delete(name)
            logger.info("Removed unreferenced private file %s", name)
    return names
