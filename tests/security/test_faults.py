"""Faults in the middle of a submission: a database error, a full disk, a killed worker, a refusing mail server.

Each leaves the whole entry or none of it, and never a file that no record refers to (or, for a worker killed
mid-request, where no code of ours runs any more, files that `clean_private_files` removes once they are old).
The author is told in Vietnamese what happened. Run on SQLite and on PostgreSQL (DATABASE_URL).

A mail server that refuses is covered where mail is sent: tests/outbox/test_outbox.py
(test_refusing_server_keeps_the_message_for_retry), tests/contest/test_voting.py (test_mail_failure_is_not_a_500),
tests/contest/test_awards.py (test_a_refusing_mail_server_leaves_the_prize_saved_and_the_message_queued); and for
the submission receipt here (test_a_refusing_mail_server_keeps_the_entry_and_its_files).
"""

import errno
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from django.conf import settings
from django.core import mail
from django.core.files.base import File
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from contest.models import Entry, EntryPhoto, EntryVersion, ReceiptCounter, SubmissionKey
from contest.storage import PrivateFileSystemStorage
from tests.contest.fixtures_submission import *  # noqa: F403
from tests.contest.fixtures_submission import form_data, jpeg_bytes, photo_upload, submit_url

REPO = Path(__file__).resolve().parents[2]
SERVER_FAULT = "Không lưu được bài của bạn do sự cố ở máy chủ"
PICK_FILES_AGAIN = "chọn lại ảnh"


def private_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def post(client, edition, locality, photos=3):
    data = form_data(edition, locality)
    data["photos"] = [photo_upload(f"{i}.jpg") for i in range(photos)]
    return client.post(submit_url(edition), data)


def assert_nothing_saved():
    assert Entry.objects.count() == 0
    assert EntryPhoto.objects.count() == 0
    assert EntryVersion.objects.count() == 0
    assert SubmissionKey.objects.count() == 0
    assert ReceiptCounter.objects.filter(last_number__gt=0).count() == 0
    assert private_files() == []


def assert_told_in_vietnamese(response):
    assert response.status_code == 503
    html = response.content.decode()
    assert SERVER_FAULT in html
    assert PICK_FILES_AGAIN in html  # typed values are kept; files must be chosen again


def assert_one_whole_entry(photos):
    entry = Entry.objects.get()
    assert entry.code.endswith("-0001")  # the failed attempt used no receipt number
    names = {entry.original_file.name} - {""}
    for photo in entry.photos.all():
        names |= {photo.image.name, photo.thumbnail.name}
    assert entry.photos.count() == photos
    on_disk = {str(p.relative_to(settings.PRIVATE_MEDIA_ROOT)) for p in private_files()}
    assert on_disk == names  # every file belongs to a row, every row has its file


# --- (a) A database error in the middle of the submission --------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.usefixtures("clean_slate")
def test_database_error_on_the_second_photo_row_saves_nothing_and_says_so(client, edition, locality):
    inserts = []

    def fail_second_photo(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith('INSERT INTO "CONTEST_ENTRYPHOTO"'):
            inserts.append(sql)
            if len(inserts) == 2:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_second_photo):
        response = post(client, edition, locality)

    assert len(inserts) == 2  # the fault struck where intended: photo 1 and its files were already written
    assert_told_in_vietnamese(response)
    assert_nothing_saved()
    assert mail.outbox == []
    # The author sends again and gets the whole entry, with the first receipt number.
    assert post(client, edition, locality).status_code == 302
    assert_one_whole_entry(photos=3)


# --- (b) The disk fills up while a photo is written ---------------------------------------------------------------
class _FillsTheDiskHalfWay(File):
    """A file whose writing fails with ENOSPC after its first half reached the disk, as a full disk does."""

    def chunks(self, chunk_size=None):
        data = self.file.read()
        yield data[: len(data) // 2]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("when", ["before writing", "half-way"])
@pytest.mark.django_db
@pytest.mark.usefixtures("clean_slate")
def test_disk_full_on_the_third_photo_saves_nothing_and_leaves_no_file(client, edition, locality, monkeypatch, when):
    storage = EntryPhoto._meta.get_field("image").storage  # the instance the model holds since import
    real_save = storage._save
    attempts = []

    def save(name, content):
        if re.search(r"/photos/03\.\w+$", name):
            attempts.append(name)
            if when == "before writing":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_save(name, _FillsTheDiskHalfWay(content))
        return real_save(name, content)

    monkeypatch.setattr(storage, "_save", save)
    response = post(client, edition, locality)

    assert attempts  # the fault struck on the third photo, after the original and photos 1 and 2 were written
    assert_told_in_vietnamese(response)
    assert_nothing_saved()  # also no truncated 03.jpg, nor its hidden partial file
    monkeypatch.undo()
    assert post(client, edition, locality).status_code == 302
    assert_one_whole_entry(photos=3)


def test_a_failed_write_leaves_no_partial_file_but_a_good_one_is_complete(tmp_path):
    """The storage itself: Django's FileSystemStorage would leave the truncated file under its final name."""
    storage = PrivateFileSystemStorage(location=str(tmp_path))
    content = jpeg_bytes()
    with pytest.raises(OSError) as failure:
        storage.save("entries/1/0001/photos/01.jpg", _FillsTheDiskHalfWay(File(_bytes_io(content))))
    assert failure.value.errno == errno.ENOSPC
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    name = storage.save("entries/1/0001/photos/01.jpg", File(_bytes_io(content)))
    assert storage.open(name).read() == content
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["01.jpg"]


def _bytes_io(data):
    import io

    return io.BytesIO(data)


# --- (d) A refusing mail server at the receipt --------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clean_slate")
def test_a_refusing_mail_server_keeps_the_entry_and_its_files(client, edition, locality, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    response = post(client, edition, locality)
    assert response.status_code == 302  # on to the thank-you page with the code and the private link
    assert_one_whole_entry(photos=3)


# --- The cleanup for what no code can catch -----------------------------------------------------------------------
def _age(paths, hours):
    past = time.time() - hours * 3600
    for path in paths:
        os.utime(path, (past, past))


@pytest.mark.django_db
@pytest.mark.usefixtures("clean_slate")
def test_cleanup_removes_only_old_files_no_record_refers_to(client, edition, locality):
    assert post(client, edition, locality, photos=2).status_code == 302
    kept = private_files()
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    stray = root / "entries" / "9" / "0001" / "photos" / "01.jpg"
    partial = root / "entries" / "9" / "0001" / "photos" / ".partial-0123456789abcdef"
    young = root / "entries" / "9" / "0002" / "original.pdf"
    for path in (stray, partial, young):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    _age([*kept, stray, partial], hours=30)

    call_command("clean_private_files", dry_run=True)
    assert stray.exists() and partial.exists()
    call_command("clean_private_files")
    assert not stray.exists() and not partial.exists()
    assert young.exists()  # may belong to a submission still being written
    assert all(path.exists() for path in kept)  # referenced files stay, however old
    with pytest.raises(CommandError):
        call_command("clean_private_files", older_than_hours=0.5)


# --- (c) A worker killed in the middle of a submission ------------------------------------------------------------
def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def gunicorn(tmp_path):
    """The real application under gunicorn (one sync worker), on the test's database and private folder."""
    port = _free_port()
    marker = tmp_path / "held.pid"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.security.fault_server",
        "FAULT_DB_NAME": str(connection.settings_dict["NAME"]),
        "FAULT_PRIVATE_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "FAULT_MARKER": str(marker),
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "site")]),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--timeout=300",
            "--log-level=warning",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return requests.get(base + "/healthz", timeout=10).status_code == 200
        except requests.RequestException:  # not listening yet, or still loading the application
            return False

    try:
        _wait_until(answers, 60, "gunicorn to answer")
        yield base, marker
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clean_slate")
def test_worker_killed_mid_submission_leaves_no_entry_and_cleanup_removes_its_files(
    client, edition, locality, gunicorn
):
    base, marker = gunicorn
    session = requests.Session()
    form_page = session.get(base + submit_url(edition), timeout=30)
    assert form_page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.text).group(1)
    data = {key: value for key, value in form_data(edition, locality).items() if key != "photos"}
    data["csrfmiddlewaretoken"] = token
    files = [("photos", (f"{i}.jpg", jpeg_bytes(), "image/jpeg")) for i in range(3)]
    outcome = {}

    def send():
        try:
            outcome["response"] = session.post(
                base + submit_url(edition), data=data, files=files, headers={"Referer": base}, timeout=120
            )
        except requests.RequestException as error:
            outcome["error"] = error

    sender = threading.Thread(target=send)
    sender.start()
    # The worker stops at the second photo row: the entry row is written, files are on disk, nothing committed.
    _wait_until(marker.exists, 90, "the worker to reach the second photo")
    orphans = private_files()
    assert len(orphans) >= 3  # the original file, photo 1 and photo 2 with their thumbnails
    os.kill(int(marker.read_text()), signal.SIGKILL)
    sender.join(timeout=60)
    assert "response" not in outcome or outcome["response"].status_code >= 500, outcome

    # None of the entry: the database dropped the uncommitted transaction with the process.
    assert Entry.objects.count() == 0
    assert EntryPhoto.objects.count() == 0
    assert ReceiptCounter.objects.filter(last_number__gt=0).count() == 0
    # Nothing stays locked: the next author's submission goes through, with the first receipt number.
    assert post(client, edition, locality, photos=2).status_code == 302
    entry = Entry.objects.get()
    assert entry.code.endswith("-0001")
    referenced = {entry.original_file.name} - {""}
    for photo in entry.photos.all():
        referenced |= {photo.image.name, photo.thumbnail.name}

    # The killed worker's files are still there; no record refers to them. The cleanup leaves them while they
    # are young (a live request could own them), and removes them, and only them, once they are old.
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert all(path.exists() for path in orphans)
    assert not {str(path.relative_to(root)) for path in orphans} & referenced
    call_command("clean_private_files", older_than_hours=1)
    assert all(path.exists() for path in orphans)
    _age(private_files(), hours=2)
    call_command("clean_private_files", older_than_hours=1)
    assert {str(path.relative_to(root)) for path in private_files()} == referenced


def test_the_server_error_page_is_vietnamese_and_styled_under_the_policy(rf):
    """When nothing else can answer (an unexpected error), the page is in Vietnamese and needs no inline style."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in html and "xin vui lòng thử lại sau ít phút" in html
    assert "<style" not in html and "style=" not in html
    assert "/static/css/error.css" in html


@pytest.mark.django_db
def test_cleanup_with_an_empty_private_folder_removes_nothing(settings, tmp_path, capsys):
    import shutil

    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)
    call_command("clean_private_files")
    assert "0 unreferenced file(s) removed." in capsys.readouterr().out


class StoppedWhileSending(BaseEmailBackend):
    """A mail transport during which the worker is stopped, as gunicorn stops one that overruns its timeout."""

    def send_messages(self, email_messages):
        raise SystemExit(1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clean_slate")
def test_a_worker_stopped_while_mailing_the_receipt_keeps_the_committed_files(edition, locality, settings):
    """Gunicorn stops a worker that overruns its timeout with SystemExit, wherever it is: here in the receipt mail,
    after the commit. The files belong to committed rows then, and must not be cleaned away as a failed attempt's."""
    from contest.photos import process_photo
    from contest.services.submission import submit_entry
    from tests.contest.fixtures_submission import entry_data

    settings.EMAIL_BACKEND = f"{__name__}.StoppedWhileSending"
    photos = [(process_photo(photo_upload(f"{i}.jpg"), max_bytes=5 * 1024 * 1024), "") for i in range(2)]
    with pytest.raises(SystemExit):
        submit_entry(edition=edition, data=entry_data(edition, locality), photos=photos)
    assert_one_whole_entry(photos=2)
