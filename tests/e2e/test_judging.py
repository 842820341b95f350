"""Judging in a real browser: a judge scores from their own queue; an organiser advances the top entries and locks."""

import re

import pytest
from playwright.sync_api import expect

from contest.models import Assignment, Round, RoundEntry, RoundState
from contest.services import judging
from tests.contest.fixtures_judging import make_edition, make_entries, make_judges, make_organiser, make_round

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-rat-dai-123"


@pytest.fixture
def migration_data(transactional_db):
    """What the data migrations create (locale, root page, the two groups with admin access).

    An earlier transactional test's flush empties every table, data migrations' rows included.
    """
    from django.conf import settings
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Locale, Page

    from contest.roles import JURY, ORGANISERS

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))
    admin_type, _created = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _created = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    for name in (ORGANISERS, JURY):
        Group.objects.get_or_create(name=name)[0].permissions.add(access_admin)


def log_in(page, live_server, username):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_judge_scores_from_own_queue_and_organiser_finalises(migration_data, page, live_server, home_page):
    edition = make_edition(home_page)
    entries = make_entries(edition, 4)
    judge, other = make_judges(2)
    round = make_round(
        edition,
        judges=[judge, other],
        entries=entries,
        reviews_required=1,
        state=RoundState.OPEN,
        criteria=(("Nội dung", 10, "2"), ("Hình thức", 5, "1")),
        name="Vòng sơ khảo",
    )
    judging.assign_round(round, seed=5)
    mine = list(Assignment.objects.filter(judge=judge).order_by("position", "pk"))
    theirs = list(Assignment.objects.filter(judge=other))
    assert len(mine) == len(theirs) == 2

    log_in(page, live_server, judge.username)
    page.goto(live_server.url + "/admin/contest/judging/")
    page.get_by_role("link", name=re.compile("Vòng sơ khảo")).click()
    assert page.get_by_test_id("progress").inner_text() == "0 / 2"
    queue_text = page.locator("table.judging-queue").inner_text()
    for assignment in mine:
        assert assignment.entry.code in queue_text
    for assignment in theirs:
        assert assignment.entry.code not in queue_text

    page.get_by_role("link", name="Chấm bài tiếp theo").click()
    assert page.locator("h2#entry-title").inner_text() == mine[0].entry.title
    page.get_by_label(re.compile("^Nội dung")).fill("8")
    page.get_by_label(re.compile("^Hình thức")).fill("4")
    expect(page.locator("output[data-judging-total]")).to_have_text("20")  # 8 × 2 + 4 × 1, as typed
    page.get_by_role("button", name="Nộp và chấm bài tiếp").click()
    page.wait_for_url(f"**/admin/contest/judging/assignment/{mine[1].pk}/")
    assert page.get_by_test_id("progress").inner_text() == "1 / 2"
    expect(page.get_by_text(f"Đã nộp phiếu chấm bài {mine[0].entry.code}.")).to_be_visible()

    response = page.goto(f"{live_server.url}/admin/contest/judging/assignment/{theirs[0].pk}/")
    assert response.status == 403
    assert theirs[0].entry.title not in page.content()

    # The rest of the scores arrive; then the organiser takes over.
    judging.save_sheet(mine[1], points=_points(round, 6, 3), comment="", submit=True, user=judge)
    for assignment, value in zip(theirs, (9, 4), strict=True):
        judging.save_sheet(assignment, points=_points(round, value, 3), comment="", submit=True, user=other)
    page.context.clear_cookies()
    organiser = make_organiser()
    log_in(page, live_server, organiser.username)
    page.goto(f"{live_server.url}/admin/contest/judging/round/{round.pk}/dashboard/")
    assert page.locator("svg .judging-chart-bar").count() == 10
    page.get_by_role("button", name="Đóng chấm").click()
    page.get_by_role("link", name="Xếp hạng và chọn bài").click()
    page.select_option("#id_rule", "top_n")
    page.fill("#id_value", "2")
    page.get_by_role("button", name="Dự thảo kết quả").click()
    expect(page.locator("tr.judging-advances")).to_have_count(2)
    page.get_by_role("button", name="Công bố kết quả").click()
    page.get_by_role("button", name="Chốt vòng chấm").click()
    expect(page.get_by_text("Vòng chấm đã được chốt và khóa.")).to_be_visible()
    expect(page.locator(".judging-state strong")).to_have_text("đã chốt")

    round.refresh_from_db()
    assert round.state == RoundState.FINALISED
    advanced = set(RoundEntry.objects.filter(round=round, decision="advances").values_list("entry_id", flat=True))
    top_two = {a.entry_id for a in [*theirs[:1], mine[0]]}  # totals 9*2+3=21 and 8*2+4=20
    assert advanced == top_two
    assert Round.objects.get(pk=round.pk).decisions_released_at is not None


def _points(round, first, second):
    criteria = list(round.criteria.order_by("sort_order"))
    return {criteria[0].pk: first, criteria[1].pk: second}
