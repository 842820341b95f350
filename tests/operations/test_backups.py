"""A backup restores into an empty database with the same rows, and the uploads come back byte for byte."""

import sqlite3
import uuid
from pathlib import Path

import pytest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from wagtail.models import Locale, Page

from operations.backups import BackupError, make_backup, restore_backup

pytestmark = [pytest.mark.django_db(transaction=True)]


def table_counts_here():
    """Row counts of every table of the live database, through Django's connection."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def query_restored(settings_dict, sql, params=()):
    if settings_dict["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(settings_dict["NAME"]) as restored:
            return restored.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg

    from operations.backups import _psycopg_params

    with psycopg.connect(**_psycopg_params(settings_dict)) as restored:
        return restored.execute(sql, params).fetchall()


@pytest.fixture
def site_with_content(home_page_tree):
    User = get_user_model()
    User.objects.create_user("tacgia", "tacgia@example.vn", "Mật-khẩu-2025", first_name="Nguyễn Thị Hoa")
    for number in range(3):
        home_page_tree.add_child(instance=Page(title=f"Trang số {number} – Đồng khởi", slug=f"trang-so-{number}"))
    media = Path(settings.MEDIA_ROOT) / "original_images"
    media.mkdir(parents=True, exist_ok=True)
    (media / "anh.jpg").write_bytes(b"\xff\xd8 anh that" * 100)
    private = Path(settings.PRIVATE_MEDIA_ROOT) / "entries" / "2025"
    private.mkdir(parents=True, exist_ok=True)
    (private / "bai-du-thi.docx").write_bytes(b"PK bai viet" * 50)
    return home_page_tree


@pytest.fixture
def home_page_tree(transactional_db, request):
    # A transactional test starts from a flushed database: put back the tree root that migrations created.
    if Page.get_first_root_node() is None:
        Locale.objects.get_or_create(language_code="vi")
        Page.add_root(instance=Page(title="Root", slug="root"))
    return request.getfixturevalue("home_page")


@pytest.fixture
def empty_database(tmp_path):
    """A second, empty database of the same engine as the test database; dropped afterwards."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    import psycopg

    from operations.backups import _psycopg_params

    name = f"{source['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = {**_psycopg_params(source), "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**source, "NAME": name}
    finally:
        with psycopg.connect(**admin) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_an_empty_database_with_the_same_rows(site_with_content, empty_database, tmp_path):
    before = table_counts_here()
    folder = make_backup(
        settings_dict=connection.settings_dict,
        media_root=settings.MEDIA_ROOT,
        private_media_root=settings.PRIVATE_MEDIA_ROOT,
        output_dir=tmp_path / "backups",
    )
    restored_media, restored_private = tmp_path / "restored-media", tmp_path / "restored-private"
    restore_backup(
        folder=folder, settings_dict=empty_database, media_root=restored_media, private_media_root=restored_private
    )

    for table, count in before.items():
        quoted = connection.ops.quote_name(table)
        assert query_restored(empty_database, f"SELECT count(*) FROM {quoted}")[0][0] == count, table
    titles = {row[0] for row in query_restored(empty_database, "SELECT title FROM wagtailcore_page")}
    assert {"Trang số 0 – Đồng khởi", "Trang số 2 – Đồng khởi"} <= titles
    assert query_restored(empty_database, "SELECT first_name FROM auth_user WHERE username = %s", ("tacgia",)) == [
        ("Nguyễn Thị Hoa",)
    ]
    assert (restored_media / "original_images" / "anh.jpg").read_bytes() == b"\xff\xd8 anh that" * 100
    assert (restored_private / "entries" / "2025" / "bai-du-thi.docx").read_bytes() == b"PK bai viet" * 50


def test_restore_refuses_a_database_that_is_not_empty(site_with_content, tmp_path):
    folder = make_backup(
        settings_dict=connection.settings_dict,
        media_root=settings.MEDIA_ROOT,
        private_media_root=settings.PRIVATE_MEDIA_ROOT,
        output_dir=tmp_path / "backups",
    )
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(
            folder=folder,
            settings_dict=connection.settings_dict,
            media_root=tmp_path / "m",
            private_media_root=tmp_path / "p",
        )
    assert Page.objects.filter(title="Trang số 1 – Đồng khởi").exists()


def test_commands_name_the_problem(site_with_content, tmp_path, capsys):
    call_command("backup_site", "--output-dir", str(tmp_path / "backups"))
    folder = next((tmp_path / "backups").iterdir())
    assert {p.name for p in folder.iterdir()} >= {"manifest.json", "media.tar.gz", "private_media.tar.gz"}
    with pytest.raises(CommandError, match="manifest.json"):
        call_command("restore_site", str(tmp_path))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_site", str(folder))


def test_restore_names_a_database_that_does_not_exist(site_with_content, tmp_path):
    folder = make_backup(
        settings_dict=connection.settings_dict,
        media_root=settings.MEDIA_ROOT,
        private_media_root=settings.PRIVATE_MEDIA_ROOT,
        output_dir=tmp_path / "backups",
    )
    if connection.vendor == "sqlite":
        missing = {**connection.settings_dict, "NAME": str(tmp_path / "no-such-folder" / "db.sqlite3")}
    else:
        missing = {**connection.settings_dict, "NAME": "gnt_no_such_database"}
    with pytest.raises(BackupError, match="does not exist|Cannot open"):
        restore_backup(
            folder=folder, settings_dict=missing, media_root=tmp_path / "m", private_media_root=tmp_path / "p"
        )
