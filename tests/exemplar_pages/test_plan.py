"""The 2021–2025 plan as loaded by `manage.py load_plan`: movements, agencies, targets, timeline, totals."""

import pytest

from django.core.management import call_command

from exemplar_pages.models import Agency, ExemplarKind, MovementPage, MovementTarget, PlanPage
from tests.factories import ExemplarPageFactory, LocalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(home_page):
    call_command("load_plan", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return PlanPage.objects.get(number="310/KH-UBND")


def test_plan_data_movements_agencies_and_targets(loaded):
    movements = MovementPage.objects.filter(plan=loaded)
    assert movements.count() == 16
    assert sum(MovementTarget.objects.filter(movement__plan=loaded).values_list("minimum", flat=True)) == 370

    # The defence movement has three leads, each with its own 10 + 10.
    defence = MovementPage.objects.get(slug="quoc-phong-an-ninh")
    leads = [lead.agency.name for lead in defence.lead_agencies.all()]
    assert leads == ["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"]
    targets = {(t.lead_agency.name, t.kind): t.minimum for t in defence.targets.select_related("lead_agency")}
    assert targets == {
        (lead, kind): 10 for lead in leads for kind in (ExemplarKind.COLLECTIVE, ExemplarKind.INDIVIDUAL)
    }

    # Requested (đề nghị) leads, single-kind targets and partners as the plan says.
    youth = MovementPage.objects.get(slug="hinh-mau-thanh-nien")
    lead = youth.lead_agencies.get()
    assert lead.agency.name == "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh" and lead.requested
    assert [(t.kind, t.minimum) for t in youth.targets.all()] == [(ExemplarKind.INDIVIDUAL, 20)]
    coop = MovementPage.objects.get(slug="hop-tac-xa")
    assert {(t.kind, t.minimum) for t in coop.targets.all()} == {
        (ExemplarKind.COOPERATIVE, 10),
        (ExemplarKind.COOPERATIVE_GROUP, 10),
    }
    poor = MovementPage.objects.get(slug="vi-nguoi-ngheo")
    assert [p.agency.name for p in poor.partner_agencies.all()] == [
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "Hội Nông dân tỉnh",
        "Sở Nội vụ",
    ]

    # A second run adds nothing.
    counts = (Agency.objects.count(), MovementPage.objects.count(), MovementTarget.objects.count())
    call_command("load_plan", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Agency.objects.count(), MovementPage.objects.count(), MovementTarget.objects.count()) == counts
    assert PlanPage.objects.count() == 1


def test_plan_movement_pages_show_timeline_agencies_and_progress(client, loaded):
    response = client.get("/ke-hoach/")
    assert response.status_code == 200
    assert loaded.url in response.content.decode()
    html = client.get(loaded.url).content.decode()
    for text in ["310/KH-UBND", "01/02/2021", "31/3/2021", "11/6/2023", "Sở Nội vụ (qua Ban Thi đua - Khen thưởng)"]:
        assert text in html, text
    assert "Mỗi người tốt, việc tốt là một bông hoa đẹp" in html
    assert '<progress class="progress-meter" max="370" value="0">' in html

    html = client.get("/phong-trao/").content.decode()
    for movement in MovementPage.objects.all():
        assert f'href="{movement.url}"' in html
    assert "310/KH-UBND" in html

    movement = MovementPage.objects.get(slug="nong-thon-moi")
    ExemplarPageFactory(
        parent=movement.get_parent().get_parent().get_children().get(slug="guong-dien-hinh"),
        movement=movement,
        kind=ExemplarKind.COLLECTIVE,
        locality=LocalityFactory(),
    )
    html = client.get("/phong-trao/nong-thon-moi/").content.decode()
    assert "Sở Nông nghiệp và Phát triển nông thôn" in html
    for partner in ["Hội Nông dân tỉnh", "Sở Nội vụ", "UBND các huyện, thị xã, thành phố"]:
        assert partner in html
    assert html.count('<progress class="progress-meter" max="10" value="1">') == 1
    assert html.count('<progress class="progress-meter" max="10" value="0">') == 1
