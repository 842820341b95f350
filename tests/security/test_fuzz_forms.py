"""Property tests on the public forms and the import: any input is answered without a server error, and a refusal
saves nothing (no entry, vote or page row, no file left in private storage)."""

import csv
import io
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from contest.models import Entry, EntryPhoto, Vote, Voter, VoteRequest, VotingRules
from exemplar_pages.models import ExemplarPage
from exemplar_pages.services.importing import COLUMNS
from tests.contest import fixtures_submission, fixtures_voting
from tests.factories import (
    ExemplarIndexPageFactory,
    LocalityFactory,
    MovementIndexPageFactory,
    MovementPageFactory,
)

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text a browser can send: any Unicode but lone surrogates (not encodable as UTF-8), control characters included.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
CONTROL = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=50)
HUGE = st.integers(min_value=10_000, max_value=300_000).map(lambda n: "Ả" * n)
WRONG_TYPE = st.sampled_from(["-1", "1e309", "NaN", "0x1F", "[]", "{}", "null", "true", "999999999999999999999"])
MISSING = st.just(None)
VALUE = st.one_of(ANY_TEXT, CONTROL, HUGE, WRONG_TYPE, MISSING, st.lists(ANY_TEXT, min_size=2, max_size=3))


def private_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def mutate(data, changes):
    data = dict(data)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


# --- The submission form --------------------------------------------------------------------------------------------

SUBMISSION_FIELDS = [
    "author_name",
    "author_birth_year",
    "author_phone",
    "author_email",
    "author_address",
    "author_workplace",
    "co_authors",
    "subject_kind",
    "subject_name",
    "subject_locality",
    "subject_address",
    "subject_contact",
    "movement",
    "title",
    "genre",
    "body",
    "declares_own_work",
    "consents_to_data_processing",
    "website",
    "submission_key",
]


@pytest.fixture
def open_edition(home_page, settings):
    settings.CONTEST_SUBMISSIONS_PER_HOUR = 10_000
    edition = fixtures_submission.make_edition(home_page)
    locality = LocalityFactory(name="Tân Ninh")
    return edition, locality


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(SUBMISSION_FIELDS), VALUE, min_size=1, max_size=4))
def test_submission_form_never_fails_and_a_refusal_saves_nothing(client, open_edition, changes):
    edition, locality = open_edition
    cache.clear()
    before = (Entry.objects.count(), EntryPhoto.objects.count(), private_files())
    data = mutate(fixtures_submission.form_data(edition, locality), changes)
    data["photos"] = [fixtures_submission.photo_upload("a.jpg")]
    response = client.post(fixtures_submission.submit_url(edition), data)
    assert response.status_code < 500
    if response.status_code != 302:
        assert (Entry.objects.count(), EntryPhoto.objects.count(), private_files()) == before
        assert response.status_code in (200, 400, 429)


@FUZZ
@given(
    changes=st.dictionaries(st.sampled_from(SUBMISSION_FIELDS), VALUE, max_size=3),
    photo=st.one_of(st.binary(max_size=2000), st.just(b"")),
    photo_name=st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=80),
)
def test_submission_with_a_garbage_photo_is_refused_and_leaves_no_file(
    client, open_edition, changes, photo, photo_name
):
    edition, locality = open_edition
    cache.clear()
    files_before = private_files()
    data = mutate(fixtures_submission.form_data(edition, locality), changes)
    data["photos"] = [SimpleUploadedFile(photo_name.replace("/", "_").replace("\\", "_") or "x", photo)]
    response = client.post(fixtures_submission.submit_url(edition), data)
    assert response.status_code < 500
    assert response.status_code != 302
    assert Entry.objects.count() == 0 and EntryPhoto.objects.count() == 0
    assert private_files() == files_before


# --- The vote form --------------------------------------------------------------------------------------------------


@pytest.fixture
def voting(home_page, settings):
    settings.VOTE_RATE_LIMIT_PER_IP = (10_000, 3600)
    settings.VOTE_RATE_LIMIT_PER_EMAIL = (10_000, 3600)
    edition = fixtures_voting.make_edition(home_page)
    VotingRules.objects.create(edition=edition, max_entries_per_voter=3)
    entry = fixtures_voting.make_entry(edition, 1)
    return edition, entry


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["email", "captcha", "g-recaptcha-response", "t", "code", "website"]),
        st.one_of(ANY_TEXT, CONTROL, HUGE, WRONG_TYPE, st.lists(ANY_TEXT, min_size=2, max_size=3)),
        max_size=3,
    )
)
def test_vote_form_never_fails_and_a_refusal_records_nothing(client, voting, fields):
    edition, entry = voting
    cache.clear()
    requests_before = VoteRequest.objects.count()
    response = client.post(f"/cuoc-thi/2025/binh-chon/{entry.pk}/", fields)
    assert response.status_code < 500
    # A vote counts only once the address is confirmed: a form post alone never makes a vote or a voter.
    assert Vote.objects.count() == 0 and Voter.objects.count() == 0
    if response.status_code != 302:
        assert VoteRequest.objects.count() == requests_before


@FUZZ
@given(token=st.one_of(ANY_TEXT, HUGE, CONTROL), code=st.one_of(ANY_TEXT, CONTROL, WRONG_TYPE))
def test_vote_confirmation_never_fails_and_counts_nothing_for_garbage(client, voting, token, code):
    cache.clear()
    link = client.post("/cuoc-thi/2025/binh-chon/xac-nhan/", {"t": token})
    by_code = client.post(f"/cuoc-thi/2025/binh-chon/ma/{uuid.uuid4()}/", {"code": code})
    assert link.status_code < 500 and by_code.status_code < 500
    assert Vote.objects.count() == 0


# --- The exemplar import --------------------------------------------------------------------------------------------


@pytest.fixture
def importer(client, home_page):
    movements = MovementIndexPageFactory(parent=home_page)
    MovementPageFactory(parent=movements, title="Nông thôn mới", slug="nong-thon-moi")
    ExemplarIndexPageFactory(parent=home_page)
    LocalityFactory(name="Tân Biên")
    user = get_user_model().objects.create_superuser("nhapgd", "nhapgd@example.vn", "mat-khau-dai-1")
    client.force_login(user)
    return client


HEADER = [heading for _key, heading in COLUMNS]
CELL = st.one_of(ANY_TEXT, CONTROL, WRONG_TYPE, st.integers(min_value=-(10**6), max_value=10**6).map(str), HUGE)
ROWS = st.lists(st.lists(CELL, max_size=len(HEADER) + 2), min_size=0, max_size=4)


def csv_upload(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("danh-sach.csv", buffer.getvalue().encode("utf-8"))


def xlsx_upload(header, rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in ([header] if header is not None else []) + rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value)[:32_000] for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("danh-sach.xlsx", buffer.getvalue())


@FUZZ
@given(
    with_header=st.booleans(),
    rows=ROWS,
    make=st.sampled_from([csv_upload, xlsx_upload]),
    action=st.sampled_from(["check", "import", "", "xoa"]),
)
def test_import_of_any_sheet_never_fails_and_imports_all_or_nothing(importer, with_header, rows, make, action):
    before = ExemplarPage.objects.count()
    upload = make(HEADER if with_header else None, rows)
    response = importer.post("/admin/nhap-guong-dien-hinh/", {"file": upload, "action": action, "publish": "on"})
    assert response.status_code < 500
    after = ExemplarPage.objects.count()
    if response.status_code == 302:
        assert after > before
    else:
        assert after == before


@FUZZ
@given(content=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a", "a.CSV"]))
def test_import_of_any_bytes_never_fails(importer, content, name):
    before = ExemplarPage.objects.count()
    response = importer.post(
        "/admin/nhap-guong-dien-hinh/", {"file": SimpleUploadedFile(name, content), "action": "import"}
    )
    assert response.status_code < 500
    assert ExemplarPage.objects.count() == before or response.status_code == 302


def test_a_csv_cell_beyond_the_csv_field_limit_is_a_clear_vietnamese_error(importer):
    """Found by the property test above: the csv module's field limit used to end in a server error."""
    upload = csv_upload(HEADER, [["Ả" * 140_000, "cá nhân", "nong-thon-moi"]])
    response = importer.post("/admin/nhap-guong-dien-hinh/", {"file": upload, "action": "check"})
    assert response.status_code == 200
    assert "Tệp CSV bị hỏng hoặc có một ô quá dài." in response.content.decode()
    assert ExemplarPage.objects.count() == 0
