"""A reader votes in a real browser: gallery, e-mail confirmation, a second vote without confirming, a refusal."""
# ruff: noqa: F811  (pytest fixtures imported from fixtures_voting are parameters by design)

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from django.core import mail

from contest.models import Vote

from ..contest.fixtures_voting import edition, entries  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_entry(page, title):
    page.locator(".voting-card", has=page.get_by_role("heading", name=title)).get_by_role(
        "link", name=re.compile("Đọc và bình chọn")
    ).click()


def test_reader_votes_confirms_by_email_votes_again_and_is_refused_a_duplicate(page, live_server, edition, entries):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    mail.outbox.clear()

    page.goto(live_server.url + "/cuoc-thi/2025/binh-chon/")
    assert page.locator("h1").inner_text() == "Bình chọn của bạn đọc"
    expect(page.get_by_text("Bình chọn mở đến")).to_be_visible()
    open_entry(page, "Người tốt số 1")
    page.get_by_label("Địa chỉ e-mail của bạn").fill("Ban.Doc@Example.vn")
    page.get_by_role("button", name="Bình chọn").click()
    expect(page.locator("h1")).to_have_text("Kiểm tra e-mail của bạn")
    assert Vote.objects.count() == 0

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(live_server.url + urlparse(link).path + "?" + urlparse(link).query)
    page.get_by_role("button", name="Xác nhận bình chọn").click()
    expect(page.get_by_text("Phiếu bình chọn đã được xác nhận và ghi nhận")).to_be_visible()
    assert Vote.objects.filter(entry=entries[0]).count() == 1

    page.get_by_role("link", name="Tất cả bài dự thi được bình chọn").click()
    open_entry(page, "Người tốt số 2")
    expect(page.get_by_text("không cần xác nhận lại")).to_be_visible()
    page.get_by_role("button", name="Bình chọn").click()
    expect(page.get_by_text("Phiếu bình chọn cho “Người tốt số 2” đã được ghi nhận")).to_be_visible()
    assert len(mail.outbox) == 1

    page.get_by_role("link", name="Tất cả bài dự thi được bình chọn").click()
    open_entry(page, "Người tốt số 1")
    page.get_by_role("button", name="Bình chọn").click()
    expect(page.get_by_text("Bạn đã bình chọn cho bài viết này rồi.")).to_be_visible()
    assert Vote.objects.count() == 2
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
