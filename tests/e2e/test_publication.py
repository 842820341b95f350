"""In a real browser: verification, first prize, release, the winner drafted as a story, approved, seen by all."""

import re

import pytest
from playwright.sync_api import expect

from django.utils import timezone

from contest.statuses import EntryStatus
from exemplar_pages.models import ExemplarPage
from tests.contest.builders import make_edition, make_entry
from tests.factories import ExemplarIndexPageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-rat-dai-123"


@pytest.fixture
def migration_data(transactional_db):
    """What data migrations create and a transactional flush empties: locale, root page and collection, the groups
    with their admin, page and image permissions, and Wagtail's default moderation workflow."""
    from django.conf import settings
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import (
        Collection,
        GroupApprovalTask,
        GroupCollectionPermission,
        GroupPagePermission,
        Locale,
        Page,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    from contest.roles import JURY, ORGANISERS

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
    )
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    admin_type, _created = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _created = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    for name in (ORGANISERS, JURY, "Moderators"):
        Group.objects.get_or_create(name=name)[0].permissions.add(access_admin)
    organisers = Group.objects.get(name=ORGANISERS)
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.get_or_create(
            group=organisers,
            page=root,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailimages", codename__in=["add_image", "change_image", "choose_image"]
    ):
        GroupCollectionPermission.objects.get_or_create(group=organisers, collection=collection, permission=permission)
        organisers.permissions.add(permission)
    if not WorkflowPage.objects.filter(page=root).exists():
        workflow = Workflow.objects.create(name="Moderators approval")
        task = GroupApprovalTask.objects.create(name="Moderators approval")
        task.groups.set([Group.objects.get(name="Moderators")])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=root)


def log_in(page, live_server, username):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_organiser_awards_releases_and_publishes_the_winner_as_a_moderated_story(
    migration_data, page, live_server, home_page
):
    from django.contrib.auth.models import Group, User

    from contest.roles import ORGANISERS

    organiser = User.objects.create_user("btc", "btc@example.vn", PASSWORD)
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    moderator = User.objects.create_user("bientap", "bientap@example.vn", PASSWORD, is_superuser=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    library = ExemplarIndexPageFactory(parent=home_page)
    edition = make_edition(home_page)
    winner = make_entry(
        edition,
        status=EntryStatus.FINALIST,
        consents_to_publication=True,
        title="Người giữ lửa ở Tân Ninh",
        author_name="Nguyễn Văn An",
        body="Bà Tư dậy từ bốn giờ sáng.\n\nCả xóm quý bà.",
    )

    log_in(page, live_server, "btc")
    awards_url = f"{live_server.url}/admin/contest/prizes/{edition.pk}/"
    page.goto(awards_url)
    page.get_by_role("link", name="Ghi nhận").click()
    page.get_by_label("Số văn bản").fill("12/BTC")
    page.get_by_label("Ngày văn bản").fill(timezone.localdate().isoformat())
    page.get_by_label("Kết quả trả lời").select_option("confirmed")
    page.get_by_label("Ngày trả lời").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(awards_url)

    page.locator(f"#tier-{winner.pk}").select_option(label="Giải Nhất")
    page.get_by_role("button", name="Trao", exact=True).click()
    expect(page.get_by_text(re.compile(f"Giải Nhất.*{winner.code}"))).to_be_visible()
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.get_by_role("button", name="Đăng thành câu chuyện")).to_be_visible()
    page.get_by_role("button", name="Đăng thành câu chuyện").click()
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
    story = ExemplarPage.objects.get(source_entry_id=winner.pk)
    assert not story.live and story.get_parent().pk == library.pk
    expect(page.locator("#id_title")).to_have_value("Người giữ lửa ở Tân Ninh")

    # Not public until a moderator approves it.
    assert page.request.get(f"{live_server.url}/guong-dien-hinh/{story.slug}/").status == 404

    page.context.clear_cookies()
    log_in(page, live_server, "bientap")
    page.goto(f"{live_server.url}/admin/pages/{story.pk}/edit/")
    approve = page.locator("button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])")
    if not approve.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    approve.click()
    expect(page.locator(".messages")).to_be_visible()
    story.refresh_from_db()
    assert story.live

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/cuoc-thi/2025/ket-qua/")
    expect(page.get_by_role("heading", name="Người giữ lửa ở Tân Ninh")).to_be_visible()
    page.get_by_role("link", name="Đọc câu chuyện").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Người giữ lửa ở Tân Ninh")
    expect(page.get_by_text("Giải Nhất — Gương người tốt quanh ta 2025")).to_be_visible()
    page.goto(f"{live_server.url}/guong-dien-hinh/")
    expect(page.get_by_role("link", name=re.compile("Người giữ lửa ở Tân Ninh")).first).to_be_visible()
