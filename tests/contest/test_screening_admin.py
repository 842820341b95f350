"""The organisers' entries admin: filters, search, full view with versions, exports, fixed query counts."""

import io

import openpyxl
import pytest

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contest.models import Entry
from contest.roles import ORGANISERS
from contest.services.submission import amend_entry
from contest.statuses import EntryStatus
from exemplar_pages.models import Locality

from .fixtures_submission import *  # noqa: F403
from .fixtures_submission import make_entry, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]


@pytest.fixture
def organiser_client(client, django_user_model):
    user = django_user_model.objects.create_user("btc", password="x" * 12)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    client.force_login(user)
    return client


LIST = "contest_entries:list"


def test_list_filters_by_status_genre_and_locality_and_searches(organiser_client, edition, locality):
    other_place = Locality.objects.create(name="Long An", kind=Locality.Kind.WARD)
    first, _ = make_entry(edition, locality, 1, photos=0, title="Nồi cháo tình thương")
    second, _ = make_entry(
        edition,
        locality,
        2,
        photos=0,
        subject_locality=other_place,
        genre=edition.genres.last(),
        subject_kind="collective",
    )
    Entry.objects.filter(pk=second.pk).update(status=EntryStatus.ELIGIBLE)
    url = reverse(LIST)

    def codes(**params):
        html = organiser_client.get(url, params).content.decode()
        return {code for code in (first.code, second.code) if code in html}

    assert codes() == {first.code, second.code}
    assert codes(status="eligible") == {second.code}
    assert codes(genre=edition.genres.last().pk) == {second.code}
    assert codes(subject_locality=other_place.pk) == {second.code}
    assert codes(subject_kind="individual") == {first.code}
    assert codes(edition=edition.pk) == {first.code, second.code}
    assert codes(q="cháo") == {first.code}
    assert codes(q="tacgia2@") == {second.code}


def test_inspect_shows_photos_and_every_version(organiser_client, edition, locality):
    entry, _ = make_entry(edition, locality, photos=2)
    data = {name: getattr(entry, name) for name in ("co_authors", "subject_name", "subject_address", "subject_contact")}
    amend_entry(entry=entry, data={**data, "title": "Tên mới", "genre": entry.genre, "body": text_of(70, "v2-")})
    html = organiser_client.get(reverse("contest_entries:inspect", args=[entry.pk])).content.decode()
    assert "Phiên bản 1" in html and "Phiên bản 2" in html
    assert html.count(f"/admin/contest/entries/{entry.pk}/photos/") >= 4
    history = organiser_client.get(reverse("contest_entries:history", args=[entry.pk])).content.decode()
    assert "Đã sửa bài (phiên bản 2)" in history


def test_csv_and_xlsx_exports(organiser_client, edition, locality):
    entry, _ = make_entry(edition, locality, photos=0)
    csv = organiser_client.get(reverse(LIST), {"export": "csv"})
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert entry.code in text and "tacgia1@example.vn" in text and "Mã bài" in text
    xlsx = organiser_client.get(reverse(LIST), {"export": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    rows = list(workbook.active.values)
    assert rows[0][0] == "Mã bài"
    assert rows[1][0] == entry.code


def test_export_is_refused_to_editors(client, edition, locality, django_user_model):
    make_entry(edition, locality, photos=0)
    editor = django_user_model.objects.create_user("bt", password="x" * 12)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.get(reverse(LIST), {"export": "csv"})
    assert response.status_code in (302, 403)


def count_list_queries(client):
    client.get(reverse(LIST))  # warm the cached site lookup (home.fragments): measure the steady state
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(LIST))
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_entries(organiser_client, edition, locality):
    make_entry(edition, locality, 0, photos=0)
    one = count_list_queries(organiser_client)
    for n in range(1, 50):
        make_entry(edition, locality, n, photos=0)
    assert Entry.objects.count() == 50
    assert count_list_queries(organiser_client) == one
