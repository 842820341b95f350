"""Edition pages: what the public reads about each edition, its phase and call to action, in fixed queries."""

import datetime
from unittest import mock
from urllib.error import URLError

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contest.models import ContestIndexPage, EditionGenre, PrizeTier

from .fixtures_submission import *  # noqa: F403
from .fixtures_submission import form_data, make_edition, photo_upload, submit_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]


def test_edition_page_shows_rules_limits_prizes_and_open_call_to_action(client, edition):
    html = client.get(edition.url).content.decode()
    for text in ("Hội Nhà báo tỉnh", "Báo Tây Ninh", "Ký chân dung", "300 chữ", "Phóng sự", "500 chữ", "Giải Nhất"):
        assert text in html
    assert "30.000.000\u00a0đ" in html
    assert "tối đa 2 bài" in html
    assert "Gửi bài dự thi" in html and submit_url(edition) in html


@pytest.mark.parametrize(
    ("opens", "closes", "expected", "absent"),
    [(5, 20, "Cuộc thi nhận bài từ", "Gửi bài dự thi"), (-30, -2, "Ban Giám khảo đang chấm bài", "Gửi bài dự thi")],
)
def test_call_to_action_follows_the_phase(client, home_page, opens, closes, expected, absent):
    edition = make_edition(home_page, opens=opens, closes=closes)
    html = client.get(edition.url).content.decode()
    assert expected in html
    assert absent not in html


def test_past_edition_with_results_stays_readable(client, home_page):
    past = make_edition(
        home_page, year=2023, opens=-900, closes=-800, results_date=timezone.localdate() - datetime.timedelta(days=600)
    )
    response = client.get(past.url)
    assert response.status_code == 200
    assert "Kết quả kỳ thi này đã được công bố" in response.content.decode()
    form = client.get(submit_url(past)).content.decode()
    assert "Kỳ thi này hiện không nhận bài" in form


def test_index_lists_editions_newest_first(client, home_page):
    make_edition(home_page, year=2023, opens=-900, closes=-800)
    make_edition(home_page, year=2025)
    html = client.get(ContestIndexPage.objects.get().url).content.decode()
    assert html.index("quanh ta 2025") < html.index("quanh ta 2023")


def queries(client, url):
    client.get(url)  # warm the per-process caches (site root paths, settings) first
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_edition_page_query_count_is_fixed(client, edition):
    one = queries(client, edition.url)
    for n in range(50):
        EditionGenre.objects.create(edition=edition, name=f"Thể loại {n}", max_words=1000)
        PrizeTier.objects.create(edition=edition, name=f"Giải {n}", amount=1_000_000)
    assert queries(client, edition.url) == one


def test_index_query_count_is_fixed(client, home_page):
    make_edition(home_page, year=1999)
    url = ContestIndexPage.objects.get().url
    one = queries(client, url)
    for year in range(2000, 2049):
        make_edition(home_page, year=year)
    assert queries(client, url) == one


def test_submission_form_renders_every_part(client, edition, locality):
    html = client.get(submit_url(edition)).content.decode()
    for name in ("author_email", "subject_locality", "movement", "photos", "original", "consents_to_data_processing"):
        assert f'name="{name}"' in html
    assert 'data-word-counter="body-word-count"' in html
    assert "---------" not in html
    assert "/chinh-sach-du-lieu/" in html
    assert "91/2025/QH15" in html
    assert "<script>" not in html  # no inline script: the counter lives in a static file
    assert "js/contest-form.js" in html


def test_only_current_localities_are_offered(client, edition, locality):
    from exemplar_pages.models import Locality

    Locality.objects.create(name="Huyện Cũ", kind=Locality.Kind.DISTRICT, is_current=False)
    html = client.get(submit_url(edition)).content.decode()
    assert "Tân Ninh" in html and "Huyện Cũ" not in html


# ---- reCAPTCHA ---------------------------------------------------------------------------------------------------


class Verdict:
    def __init__(self, valid):
        self.is_valid, self.error_codes, self.extra_data, self.action = valid, [], {}, None


def captcha_post(client, edition, locality, **patch):
    data = form_data(edition, locality, **{"g-recaptcha-response": "token"})
    data["photos"] = [photo_upload()]
    with mock.patch("django_recaptcha.fields.client.submit", **patch) as submit:
        response = client.post(submit_url(edition), data)
    return response, submit


def test_captcha_accepted(client, settings, edition, locality):
    settings.RECAPTCHA_ENABLED = True
    response, submit = captcha_post(client, edition, locality, return_value=Verdict(True))
    assert response.status_code == 302
    assert submit.called


def test_captcha_refused(client, settings, edition, locality):
    settings.RECAPTCHA_ENABLED = True
    response, _ = captcha_post(client, edition, locality, return_value=Verdict(False))
    assert response.status_code == 200
    assert "không phải là robot" in response.content.decode()


def test_captcha_network_failure_is_a_form_error_not_a_500(client, settings, edition, locality):
    settings.RECAPTCHA_ENABLED = True
    response, _ = captcha_post(client, edition, locality, side_effect=URLError("no route to host"))
    assert response.status_code == 200
    assert "vui lòng thử lại" in response.content.decode()


def test_captcha_off_in_tests_by_default(client, edition):
    assert "g-recaptcha" not in client.get(submit_url(edition)).content.decode()
