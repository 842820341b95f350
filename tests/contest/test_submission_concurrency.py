"""Receipt codes stay distinct and gap-free when many authors send at the same moment."""

import threading

import pytest

from django.db import connection

from contest.models import Entry, ReceiptCounter
from contest.services.submission import submit_entry

from .fixtures_submission import *  # noqa: F403
from .fixtures_submission import entry_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clean_slate")]


def test_twenty_concurrent_submissions_get_twenty_consecutive_codes(edition, locality):
    barrier = threading.Barrier(20)
    errors, codes = [], []

    def send(n):
        try:
            barrier.wait()
            entry, _token = submit_entry(edition=edition, data=entry_data(edition, locality, n), photos=[])
            codes.append(entry.code)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(codes) == [f"GNT2025-{n:04d}" for n in range(1, 21)]
    assert sorted(Entry.objects.values_list("receipt_number", flat=True)) == list(range(1, 21))
    assert ReceiptCounter.objects.get(edition=edition).last_number == 20


def test_concurrent_entries_of_one_author_respect_the_limit(edition, locality):
    barrier = threading.Barrier(5)
    results = []

    def send(n):
        try:
            barrier.wait()
            data = entry_data(edition, locality, n) | {"author_email": "cung@example.vn"}
            submit_entry(edition=edition, data=data, photos=[])
            results.append("ok")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            results.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == edition.entries_per_author == 2
    assert results.count("SubmissionRefused") == 3
    assert Entry.objects.filter(author_email="cung@example.vn").count() == 2
