"""Back up and restore the database (SQLite or PostgreSQL, as DATABASE_URL says) and the uploaded files."""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from django.utils import timezone

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
FILE_TREES = {"media": "media.tar.gz", "private_media": "private_media.tar.gz"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def engine_of(settings_dict):
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _pg_command(program, settings_dict, *args):
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    command = [program, "--no-password"]
    if settings_dict.get("HOST"):
        command += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        command += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        command += ["--username", settings_dict["USER"]]
    command += [*args, "--dbname", settings_dict["NAME"]]
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def backup_database(settings_dict, folder):
    """Write a consistent copy of a live database into folder; returns the file's name."""
    engine = engine_of(settings_dict)
    if engine == "sqlite":
        # SQLite's online backup copies a consistent snapshot even while the site writes (WAL included).
        target = Path(folder) / SQLITE_FILE
        source = sqlite3.connect(settings_dict["NAME"])
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        return SQLITE_FILE
    # pg_dump's custom format: compressed, restorable table by table, independent of the owner's role names.
    _pg_command("pg_dump", settings_dict, "--format=custom", "--no-owner", "--file", str(Path(folder) / POSTGRES_FILE))
    return POSTGRES_FILE


def database_is_empty(settings_dict):
    engine = engine_of(settings_dict)
    if engine == "sqlite":
        path = Path(settings_dict["NAME"])
        if not path.parent.is_dir():
            raise BackupError(f"The folder {path.parent} does not exist: create it or check DATABASE_URL.")
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    import psycopg

    try:
        with psycopg.connect(**_psycopg_params(settings_dict)) as connection:
            query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            return connection.execute(query).fetchone()[0] == 0
    except psycopg.OperationalError as exc:
        raise BackupError(
            f"Cannot open the database {settings_dict['NAME']} ({exc}). "
            "Create it first (createdb) and check DATABASE_URL."
        ) from exc


def _psycopg_params(settings_dict):
    params = {"dbname": settings_dict["NAME"]}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if settings_dict.get(key):
            params[name] = settings_dict[key]
    return params


def restore_database(settings_dict, folder):
    """Load a backup into an EMPTY database: restoring over live data would mix two sites' rows."""
    if not database_is_empty(settings_dict):
        raise BackupError(
            f"The database {settings_dict['NAME']} is not empty. Restore into a new, empty database "
            "(createdb, or a new SQLite file) and point DATABASE_URL at it."
        )
    engine = engine_of(settings_dict)
    source = Path(folder) / (SQLITE_FILE if engine == "sqlite" else POSTGRES_FILE)
    if not source.exists():
        raise BackupError(f"{source} is missing: this backup was made from another database engine.")
    if engine == "sqlite":
        backup = sqlite3.connect(source)
        target = sqlite3.connect(settings_dict["NAME"])
        try:
            with target:
                backup.backup(target)
        finally:
            target.close()
            backup.close()
        return
    _pg_command("pg_restore", settings_dict, "--no-owner", "--no-privileges", "--exit-on-error", str(source))


def backup_files(root, archive):
    """Pack a folder of uploads (it may not exist yet: then the archive is empty)."""
    with tarfile.open(archive, "w:gz") as tar:
        if Path(root).is_dir():
            for child in sorted(Path(root).iterdir()):
                tar.add(child, arcname=child.name)


def restore_files(archive, root):
    """Unpack uploads into an empty folder; the data filter refuses absolute paths, links out and devices."""
    root = Path(root)
    if root.is_dir() and any(root.iterdir()):
        raise BackupError(f"{root} is not empty: restore uploads into an empty folder.")
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(root, filter="data")


def make_backup(*, settings_dict, media_root, private_media_root, output_dir):
    """One folder per backup: the database, both upload trees and a manifest. Returns the folder."""
    stamp = datetime.now(tz=timezone.get_current_timezone()).strftime("%Y%m%d-%H%M%S")
    folder = Path(output_dir) / stamp
    folder.mkdir(parents=True, exist_ok=False)
    database_file = backup_database(settings_dict, folder)
    backup_files(media_root, folder / FILE_TREES["media"])
    backup_files(private_media_root, folder / FILE_TREES["private_media"])
    manifest = {
        "created": timezone.now().isoformat(),
        "engine": engine_of(settings_dict),
        "database": database_file,
        "files": FILE_TREES,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def restore_backup(*, folder, settings_dict, media_root, private_media_root):
    folder = Path(folder)
    if not (folder / MANIFEST).exists():
        raise BackupError(f"{folder} has no {MANIFEST}: not a backup made by `make backup`.")
    restore_database(settings_dict, folder)
    restore_files(folder / FILE_TREES["media"], media_root)
    restore_files(folder / FILE_TREES["private_media"], private_media_root)
