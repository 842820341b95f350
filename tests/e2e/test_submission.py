"""A writer's journey in Chromium: open the edition, send an entry with two photos, follow the e-mailed link, amend."""

import re
from urllib.parse import urlparse

import pytest

from django.core import mail

from contest.models import Entry
from exemplar_pages.models import Locality
from tests.contest.fixtures_submission import jpeg_bytes, make_edition, text_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def photo(name, colour):
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(800, 600), colour=colour)}


def test_writer_sends_an_entry_gets_the_receipt_and_amends_it(page, live_server, home_page):
    mail.outbox = []
    make_edition(home_page)
    Locality.objects.create(name="Tân Ninh", kind=Locality.Kind.WARD)
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))

    page.goto(live_server.url + "/cuoc-thi/2025/")
    assert page.locator(".contest-prizes td", has_text="30.000.000").first.text_content() == "30.000.000\u00a0đ"
    page.get_by_role("link", name="Gửi bài dự thi").first.click()
    page.wait_for_url("**/cuoc-thi/2025/gui-bai/")

    page.fill("#id_author_name", "Nguyễn Thị Hoa")
    page.fill("#id_author_birth_year", "1985")
    page.fill("#id_author_phone", "0912 345 678")
    page.fill("#id_author_email", "hoa@example.vn")
    page.fill("#id_author_address", "Phường Tân Ninh, Tây Ninh")
    page.check("input[name=subject_kind][value=individual]")
    page.fill("#id_subject_name", "Bà Trần Thị Lan")
    page.select_option("#id_subject_locality", label="Tân Ninh")
    page.fill("#id_subject_address", "Khu phố 3, phường Tân Ninh")
    page.fill("#id_subject_contact", "Ông Sáu, trưởng khu phố, 0909 000 111")
    page.fill("#id_title", "Nồi cháo tình thương")
    page.select_option("#id_genre", label="Ký chân dung")
    page.fill("#id_body", text_of(120, seed="e2e-"))
    assert page.locator("#body-word-count").inner_text() == "120"  # the live counter agrees with the server
    page.set_input_files("#id_photos", [photo("mot.jpg", (200, 30, 30)), photo("hai.jpg", (30, 120, 200))])
    for name in ("declares_own_work", "declares_unpublished", "consents_to_publication", "consents_to_data_processing"):
        page.check(f"#id_{name}")
    page.get_by_role("button", name="Gửi bài").click()

    page.wait_for_url("**/cuoc-thi/2025/cam-on/")
    assert page.locator(".receipt-code").inner_text() == "GNT2025-0001"
    entry = Entry.objects.get()
    assert entry.photos.count() == 2

    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+/bai-du-thi/\S+/)", mail.outbox[0].body).group(1)
    page.goto(live_server.url + link)
    assert page.locator("h1").inner_text() == "Nồi cháo tình thương"
    assert page.locator(".contest-photos img").count() == 2
    page.locator(".contest-photos img").last.scroll_into_view_if_needed()
    # Polled from Python: Playwright's wait_for_function evaluates strings in the page, which the strict CSP forbids.
    all_loaded = (
        "Array.from(document.querySelectorAll('.contest-photos img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    for _ in range(100):
        if page.evaluate(all_loaded):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the entry's photos did not load")

    page.get_by_role("link", name="Sửa bài dự thi").click()
    page.fill("#id_body", text_of(90, seed="ban-sua-"))
    page.fill("#id_note", "Rút gọn phần mở đầu")
    page.get_by_role("button", name="Lưu phiên bản mới").click()
    page.wait_for_url("**/bai-du-thi/**")
    assert "Nội dung sửa đã được lưu thành phiên bản mới." in page.content()
    assert page.get_by_text("Phiên bản 2,").count() == 1
    assert "Đã sửa bài (phiên bản 2)" in page.content()
    entry.refresh_from_db()
    assert entry.word_count == 90 and entry.versions.count() == 2
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
