"""Editors add the next plan and its movements in the admin, without code; agencies and localities are editable."""

import pytest

from django.contrib.auth import get_user_model

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from exemplar_pages.models import ExemplarKind, MovementPage, PlanPage
from tests.factories import AgencyFactory, LocalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("bantochuc", "bantochuc@example.vn", "mat-khau-dai-1")
    client.force_login(user)
    return client


def test_editor_adds_the_next_plan_and_a_movement_with_targets(admin_client, sections):
    plans = sections["plans"]
    data = nested_form_data(
        {
            "title": "Kế hoạch xây dựng điển hình tiên tiến giai đoạn 2026 - 2030",
            "slug": "ke-hoach-2026-2030",
            "number": "120/KH-UBND-2026",
            "issued_on": "2026-03-01",
            "period_start": "2026",
            "period_end": "2030",
            "motto": "Thi đua là yêu nước",
            "phases": inline_formset([{"name": "Giai đoạn 1", "start_year": "2026", "end_year": "2028"}]),
            "milestones": inline_formset([{"date": "2026-06-11", "when": "", "what": "Phát động"}]),
            "body": streamfield([]),
            "action-publish": "publish",
        }
    )
    response = admin_client.post(f"/admin/pages/add/exemplar_pages/planpage/{plans.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    plan = PlanPage.objects.get(number="120/KH-UBND-2026")
    assert plan.live and plan.url == "/ke-hoach/ke-hoach-2026-2030/"
    assert plan.milestones.get().what == "Phát động"

    lead = AgencyFactory(name="Sở Nội vụ")
    movement_data = nested_form_data(
        {
            "title": "Thi đua chuyển đổi số",
            "slug": "thi-dua-chuyen-doi-so",
            "plan": str(plan.pk),
            "kind": MovementPage.Kind.MOVEMENT,
            "summary": "",
            "criteria": rich_text("<p>Tiêu chí</p>"),
            "lead_agencies": inline_formset([{"agency": str(lead.pk), "requested": ""}], min=1),
            "partner_agencies": inline_formset([]),
            "targets": inline_formset(
                [
                    {"kind": ExemplarKind.COLLECTIVE, "lead_agency": "", "minimum": "5"},
                    {"kind": ExemplarKind.INDIVIDUAL, "lead_agency": str(lead.pk), "minimum": "7"},
                ]
            ),
            "criteria_documents": inline_formset([]),
            "body": streamfield([]),
            "action-publish": "publish",
        }
    )
    response = admin_client.post(
        f"/admin/pages/add/exemplar_pages/movementpage/{sections['movements'].pk}/", movement_data
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    movement = MovementPage.objects.get(title="Thi đua chuyển đổi số")
    assert movement.url == "/phong-trao/thi-dua-chuyen-doi-so/"
    assert sorted(t.minimum for t in movement.targets.all()) == [5, 7]
    # The new plan shows its own total; past plans stay listed.
    html = admin_client.get(plan.url).content.decode()
    assert '<progress class="progress-meter" max="12" value="0">' in html
    plans_html = admin_client.get("/ke-hoach/").content.decode()
    assert "120/KH-UBND-2026" in plans_html and sections["plan"].number in plans_html


def test_agencies_and_localities_are_managed_in_the_admin(admin_client):
    AgencyFactory(name="Sở Y tế")
    old = LocalityFactory(name="Huyện Cũ", is_current=False)
    assert "Sở Y tế" in admin_client.get("/admin/agencies/").content.decode()
    assert "Huyện Cũ" in admin_client.get("/admin/localities/").content.decode()
    response = admin_client.post(
        "/admin/localities/new/",
        {"name": "Xã Mới", "kind": "commune", "former_name": "", "successor": "", "is_current": "on", "parent": ""},
    )
    assert response.status_code == 302
    response = admin_client.post(
        f"/admin/localities/edit/{old.pk}/",
        {"name": "Huyện Cũ", "kind": "district", "former_name": "", "is_current": "", "parent": "",
         "successor": str(LocalityFactory(name="Xã Kế Thừa").pk)},
    )  # fmt: skip
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.successor.name == "Xã Kế Thừa"
    assert admin_client.get("/admin/nhap-guong-dien-hinh/").status_code == 200
    assert admin_client.get("/admin/news-categories/").status_code == 200


def test_plan_rejects_a_period_ending_before_it_starts_and_a_milestone_without_a_time():
    from django.core.exceptions import ValidationError

    from exemplar_pages.models import PlanMilestone

    plan = PlanPage(title="Kế hoạch", number="1/KH", period_start=2030, period_end=2026)
    with pytest.raises(ValidationError) as error:
        plan.clean()
    assert "period_end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        PlanMilestone(what="Sơ kết", when=" ").clean()
    assert "date" in error.value.message_dict


def test_editors_group_can_keep_agencies_and_localities(client):
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("bientapvien", "btv@example.vn", "mat-khau-dai-1")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    assert client.get("/admin/agencies/").status_code == 200
    assert client.get("/admin/localities/new/").status_code == 200
    assert client.get("/admin/news-categories/").status_code == 200
    assert client.get("/admin/tien-do/").status_code == 200
