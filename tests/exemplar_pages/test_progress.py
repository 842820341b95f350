"""Progress toward targets: only published exemplars count, per lead agency where targets are; the admin report."""

import csv
import io

import pytest
from openpyxl import load_workbook

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exemplar_pages.models import ExemplarKind, ExemplarPage, MovementPage, MovementTarget
from exemplar_pages.services.progress import movement_progress
from tests.factories import (
    AgencyFactory,
    ExemplarPageFactory,
    LocalityFactory,
    MovementPageFactory,
    add_lead,
    add_target,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def defence(sections):
    """A movement with three lead agencies, each with its own 10 collectives + 10 individuals."""
    movement = MovementPageFactory(
        parent=sections["movements"], title="Quốc phòng", kind=MovementPage.Kind.DEFENCE, plan=sections["plan"]
    )
    leads = [AgencyFactory(name=name) for name in ("Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Biên phòng tỉnh")]
    for lead in leads:
        add_lead(movement, lead)
        add_target(movement, ExemplarKind.COLLECTIVE, 10, lead_agency=lead)
        add_target(movement, ExemplarKind.INDIVIDUAL, 10, lead_agency=lead)
    return movement, leads


def test_only_published_exemplars_count_and_per_lead_agency(sections, defence):
    movement, (police, army, border) = defence
    library = sections["library"]
    for _ in range(3):
        ExemplarPageFactory(parent=library, movement=movement, lead_agency=police, kind=ExemplarKind.INDIVIDUAL)
    ExemplarPageFactory(parent=library, movement=movement, lead_agency=army, kind=ExemplarKind.COLLECTIVE)
    ExemplarPageFactory(parent=library, movement=movement, lead_agency=army, kind=ExemplarKind.COLLECTIVE, live=False)
    rows = movement_progress(movements=[MovementPage.objects.prefetch_related("targets").get(pk=movement.pk)])
    got = {(row.target.lead_agency_id, row.target.kind): (row.published, row.gap) for row in rows[movement.pk]}
    assert got[(police.pk, ExemplarKind.INDIVIDUAL)] == (3, 7)
    assert got[(police.pk, ExemplarKind.COLLECTIVE)] == (0, 10)
    assert got[(army.pk, ExemplarKind.COLLECTIVE)] == (1, 9)
    assert got[(border.pk, ExemplarKind.INDIVIDUAL)] == (0, 10)


def test_any_kind_target_counts_every_kind(sections):
    movement = MovementPageFactory(parent=sections["movements"])
    add_target(movement, ExemplarKind.ANY, 10)
    for kind in (ExemplarKind.INDIVIDUAL, ExemplarKind.COLLECTIVE, ExemplarKind.ANY):
        ExemplarPageFactory(parent=sections["library"], movement=movement, kind=kind)
    (row,) = movement_progress(movements=[movement])[movement.pk]
    assert (row.published, row.gap, row.percent) == (3, 7, 30)


def test_movement_index_query_count_does_not_grow(client, sections):
    lead = AgencyFactory()

    def add_movements(count):
        for _ in range(count):
            movement = MovementPageFactory(parent=sections["movements"], plan=sections["plan"])
            add_lead(movement, lead)
            add_target(movement, ExemplarKind.COLLECTIVE, 10)
            add_target(movement, ExemplarKind.INDIVIDUAL, 10, lead_agency=lead)
            ExemplarPageFactory(parent=sections["library"], movement=movement)

    add_movements(1)
    client.get("/phong-trao/")
    with CaptureQueriesContext(connection) as one:
        client.get("/phong-trao/")
    add_movements(20)
    client.get("/phong-trao/")  # publishing renewed the cached menu and footer: measure what readers get next
    with CaptureQueriesContext(connection) as many:
        client.get("/phong-trao/")
    assert len(one.captured_queries) == len(many.captured_queries)
    client.get(sections["plan"].url)
    with CaptureQueriesContext(connection) as plan_one:
        client.get(sections["plan"].url)
    add_movements(5)
    client.get(sections["plan"].url)
    with CaptureQueriesContext(connection) as plan_more:
        client.get(sections["plan"].url)
    assert len(plan_one.captured_queries) == len(plan_more.captured_queries)


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("bantochuc", "bantochuc@example.vn", "mat-khau-dai-1")
    client.force_login(user)
    return client


def _independent_count(movement, kind, lead=None, year=None, locality=None):
    exemplars = ExemplarPage.objects.filter(live=True, movement=movement, kind=kind)
    if lead:
        exemplars = exemplars.filter(lead_agency=lead)
    if year:
        exemplars = exemplars.filter(year_recognised=year)
    if locality:
        exemplars = exemplars.filter(locality=locality)
    return exemplars.count()


def test_report_numbers_equal_an_independent_count_and_export(admin_client, sections, defence):
    movement, (police, army, border) = defence
    library = sections["library"]
    east, west = LocalityFactory(name="Tân Đông"), LocalityFactory(name="Tân Tây")
    specs = [
        (police, ExemplarKind.INDIVIDUAL, 2023, east, True),
        (police, ExemplarKind.INDIVIDUAL, 2024, west, True),
        (police, ExemplarKind.INDIVIDUAL, 2024, east, False),
        (army, ExemplarKind.COLLECTIVE, 2024, east, True),
        (border, ExemplarKind.COLLECTIVE, 2022, west, True),
        (border, ExemplarKind.INDIVIDUAL, 2024, east, True),
    ]
    for lead, kind, year, locality, live in specs:
        ExemplarPageFactory(
            parent=library,
            movement=movement,
            lead_agency=lead,
            kind=kind,
            year_recognised=year,
            locality=locality,
            live=live,
        )
    response = admin_client.get("/admin/tien-do/")
    assert response.status_code == 200

    for params in [{}, {"year": "2024"}, {"locality": east.pk}, {"year": "2024", "locality": east.pk}]:
        export = admin_client.get("/admin/tien-do/", {**params, "export": "csv"})
        assert export.status_code == 200
        text = b"".join(export.streaming_content).decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        body = rows[1:]
        assert len(body) == MovementTarget.objects.count() == 6
        by_key = {(row[2], row[3]): row for row in body}
        year = int(params["year"]) if "year" in params else None
        locality = east if "locality" in params else None
        for lead in (police, army, border):
            for kind in (ExemplarKind.COLLECTIVE, ExemplarKind.INDIVIDUAL):
                row = by_key[(lead.name, str(kind.label))]
                expected = _independent_count(movement, kind, lead, year, locality)
                assert (int(row[4]), int(row[5]), int(row[6])) == (10, expected, 10 - expected), (params, row)

    xlsx = admin_client.get("/admin/tien-do/", {"export": "xlsx", "year": "2024"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 7
    police_individual = next(v for v in values if v[2] == police.name and v[3] == str(ExemplarKind.INDIVIDUAL.label))
    assert police_individual[5] == _independent_count(movement, ExemplarKind.INDIVIDUAL, police, 2024) == 1


def test_report_is_for_editors_only(client, sections):
    user = get_user_model().objects.create_user("docgia", "docgia@example.vn", "mat-khau-dai-1")
    client.force_login(user)
    response = client.get("/admin/tien-do/")
    assert response.status_code in (302, 403)
