"""Load a plan's facts (agencies, plan page, movements, targets) from the JSON shipped in `exemplar_pages/data/`.

Idempotent: what exists is left as editors made it; only missing pieces are created.
"""

import datetime
import json
from pathlib import Path

from django.db import transaction

from exemplar_pages.models import (
    Agency,
    ExemplarIndexPage,
    MovementIndexPage,
    MovementLeadAgency,
    MovementPage,
    MovementPartnerAgency,
    MovementTarget,
    PlanIndexPage,
    PlanMilestone,
    PlanPage,
    PlanPhase,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
PLAN_FILE = DATA_DIR / "plan_2021_2025.json"

INDEX_PAGES = [
    (
        PlanIndexPage,
        "ke-hoach",
        "Kế hoạch",
        "Các kế hoạch của tỉnh về xây dựng, nhân rộng mô hình, điển hình tiên tiến.",
    ),
    (MovementIndexPage, "phong-trao", "Phong trào thi đua", "Các phong trào, cuộc vận động, đề án và lĩnh vực."),
    (
        ExemplarIndexPage,
        "guong-dien-hinh",
        "Gương điển hình",
        "Thư viện các gương điển hình tiên tiến, người tốt việc tốt của tỉnh Tây Ninh.",
    ),
]


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def ensure_index_pages(home):
    """The three section pages under the home page, shown in the menu."""
    pages = {}
    for model, slug, title, intro in INDEX_PAGES:
        page = model.objects.first()
        if page is None:
            page = _publish(home, model(title=title, slug=slug, intro=intro, show_in_menus=True))
        pages[model] = page
    return pages


@transaction.atomic
def load_plan_data(data, *, home):
    """Create what is missing of one plan; return a short summary of what was created."""
    created = {"agencies": 0, "plans": 0, "movements": 0}
    pages = ensure_index_pages(home)
    agencies = {}
    for item in data["agencies"]:
        agency, was_created = Agency.objects.get_or_create(
            name=item["name"], defaults={"short_name": item.get("short_name", ""), "kind": item["kind"]}
        )
        agencies[agency.name] = agency
        created["agencies"] += was_created

    info = data["plan"]
    plan = PlanPage.objects.filter(number=info["number"]).first()
    if plan is None:
        plan = PlanPage(
            title=info["title"],
            slug=info["slug"],
            number=info["number"],
            issued_by=info["issued_by"],
            issued_on=datetime.date.fromisoformat(info["issued_on"]),
            signed_by=info["signed_by"],
            period_start=info["period_start"],
            period_end=info["period_end"],
            motto=info["motto"],
            coordinator=info["coordinator"],
            summary=info["summary"],
        )
        plan.phases = [PlanPhase(**phase) for phase in data["phases"]]
        plan.milestones = [
            PlanMilestone(
                date=datetime.date.fromisoformat(item["date"]) if item["date"] else None,
                when=item["when"],
                what=item["what"],
            )
            for item in data["milestones"]
        ]
        _publish(pages[PlanIndexPage], plan)
        created["plans"] += 1

    movement_index = pages[MovementIndexPage]
    existing = set(MovementPage.objects.filter(plan=plan).values_list("slug", flat=True))
    for item in data["movements"]:
        if item["slug"] in existing:
            continue
        movement = MovementPage(
            title=item["title"],
            slug=item["slug"],
            kind=item["kind"],
            summary=item["summary"],
            plan=plan,
            period_start=info["period_start"],
            period_end=info["period_end"],
        )
        movement.lead_agencies = [
            MovementLeadAgency(agency=agencies[lead["agency"]], requested=lead["requested"]) for lead in item["leads"]
        ]
        movement.partner_agencies = [MovementPartnerAgency(agency=agencies[name]) for name in item["partners"]]
        movement.targets = [
            MovementTarget(
                kind=target["kind"],
                lead_agency=agencies[target["lead_agency"]] if target["lead_agency"] else None,
                minimum=target["minimum"],
            )
            for target in item["targets"]
        ]
        _publish(movement_index, movement)
        created["movements"] += 1
    return created


def load_plan():
    """Bootstrap step: the 2021–2025 plan (Kế hoạch 310/KH-UBND) with its 16 movements and 370 exemplars to build."""
    from home.demo import ensure_site

    home = ensure_site()
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    created = load_plan_data(data, home=home)
    return ", ".join(f"{number} {name} created" for name, number in created.items())
