"""For the killed-worker test: settings for a real gunicorn worker, and a hook that holds it mid-submission.

Run as DJANGO_SETTINGS_MODULE=tests.security.fault_server: the test settings, pointed at the test's own database
and private folder (FAULT_DB_NAME, FAULT_PRIVATE_ROOT), plus a middleware that, through Django's
`connection.execute_wrapper`, stops a POST at the second INSERT of an entry photo row: the entry row and the
files of photos 1 and 2 are written, the transaction is open. It then writes its process id to FAULT_MARKER and
sleeps, so the test can SIGKILL the worker at exactly that point.
"""

import os
import time
from pathlib import Path

from django.db import connection

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES, MIDDLEWARE, STORAGES

if os.environ.get("FAULT_DB_NAME"):
    DATABASES["default"]["NAME"] = os.environ["FAULT_DB_NAME"]
if os.environ.get("FAULT_PRIVATE_ROOT"):
    PRIVATE_MEDIA_ROOT = Path(os.environ["FAULT_PRIVATE_ROOT"])
    STORAGES["private"]["OPTIONS"]["location"] = str(PRIVATE_MEDIA_ROOT)
MIDDLEWARE = [*MIDDLEWARE, "tests.security.fault_server.HoldAtSecondPhotoMiddleware"]


class HoldAtSecondPhotoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        inserts = []

        def hold(execute, sql, params, many, context):
            if sql.lstrip().upper().startswith('INSERT INTO "CONTEST_ENTRYPHOTO"'):
                inserts.append(sql)
                if len(inserts) == 2:
                    Path(os.environ["FAULT_MARKER"]).write_text(str(os.getpid()))
                    time.sleep(120)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(hold):
            return self.get_response(request)
