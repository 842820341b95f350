"""The production gunicorn configuration loads, and its malloc tuning gives a worker's freed photo memory back."""

import ctypes
import io
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.app.wsgiapp import WSGIApplication
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile

from contest import photos

CONFIG = Path(__file__).resolve().parents[2] / "site" / "config" / "gunicorn.conf.py"


class _Log:
    def __init__(self):
        self.lines = []

    def debug(self, message, *args):
        self.lines.append(message % args)


class _Server:
    def __init__(self):
        self.log = _Log()


class _Worker:
    pid = 4242


def test_gunicorn_reads_the_file_and_its_post_fork_hook_runs(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(CONFIG)])
    app = WSGIApplication()  # parses argv and loads the file as gunicorn does
    assert app.cfg.wsgi_app == "config.wsgi:application"
    assert Path(app.cfg.chdir) == CONFIG.parent.parent
    assert app.cfg.workers >= 1 and app.cfg.timeout == 60
    server = _Server()
    app.cfg.post_fork(server, _Worker())
    assert server.log.lines and "4242" in server.log.lines[0]


def test_on_glibc_the_three_malloc_settings_are_applied():
    conf = runpy.run_path(str(CONFIG))
    assert conf["glibc"]() is not None  # Debian, where the site runs
    applied = conf["tune_malloc"]()
    expected = {conf["M_MMAP_THRESHOLD"]: 128 * 1024, conf["M_TRIM_THRESHOLD"]: 128 * 1024, conf["M_ARENA_MAX"]: 2}
    assert applied == expected


def test_off_glibc_the_hook_does_nothing(monkeypatch):
    conf = runpy.run_path(str(CONFIG))

    def no_glibc(name, *args, **kwargs):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(ctypes, "CDLL", no_glibc)
    assert conf["glibc"]() is None
    assert conf["tune_malloc"]() == {}
    conf["post_fork"](_Server(), _Worker())  # no error


PROBE = """
import runpy, sys
conf = runpy.run_path(sys.argv[1])
if sys.argv[2] == "tuned":
    conf["tune_malloc"]()
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
big = bytearray(20 * 2**20); del big  # a freed big block raises glibc's own threshold to 20 MiB, as a photo does
base = rss()
blocks, pins = [], []
for _ in range(100):
    blocks.append(bytearray(2**20))
    pins.append(bytes(600))  # a small live block after each big one: the heap cannot shrink from its top
del blocks
print(round(rss() - base))
"""


def kept_mib(mode):
    out = subprocess.run([sys.executable, "-c", PROBE, str(CONFIG), mode], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def test_the_tuning_returns_freed_big_blocks_to_the_os():
    """100 MiB in 1 MiB blocks, freed: glibc alone keeps them in the process; tuned, they go back."""
    assert kept_mib("plain") >= 50
    assert kept_mib("tuned") <= 10


def test_the_photo_trim_is_a_no_op_off_glibc(monkeypatch):
    monkeypatch.setattr(photos, "_MALLOC_TRIM", None)
    assert photos.release_freed_memory() is False


def test_a_processed_or_refused_photo_is_followed_by_a_trim(monkeypatch):
    assert photos._MALLOC_TRIM is not None  # glibc's, on Debian
    calls = []
    monkeypatch.setattr(photos, "_MALLOC_TRIM", lambda pad: calls.append(pad) or 1)
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 120, 40)).save(buffer, "JPEG")
    processed = photos.process_photo(SimpleUploadedFile("a.jpg", buffer.getvalue()), max_bytes=10 * 2**20)
    assert processed.width == photos.STORED_SIDE and calls == [0]
    with pytest.raises(photos.PhotoError):
        photos.process_photo(SimpleUploadedFile("b.jpg", b"not a photo"), max_bytes=10 * 2**20)
    assert calls == [0, 0]
