"""Vietnamese alphabetical order: the Python key, and the database order on SQLite and PostgreSQL."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django.db import connection

from exemplar_pages.models import Agency, Locality
from home.collation import vietnamese_order, vietnamese_sort_key, vietnamese_sorted

NAMES = ["Đà Nẵng", "Dương Minh Châu", "Ấp", "An", "Bến Cầu"]
VIETNAMESE_ORDER = ["An", "Ấp", "Bến Cầu", "Dương Minh Châu", "Đà Nẵng"]


def test_code_point_order_is_wrong_for_vietnamese():
    """Why this module exists: plain sorting puts Đ after every Latin letter and Ấ after B."""
    assert sorted(NAMES) != VIETNAMESE_ORDER


def test_python_order():
    assert vietnamese_sorted(NAMES) == VIETNAMESE_ORDER
    assert sorted(NAMES, key=vietnamese_sort_key) == VIETNAMESE_ORDER


def test_letters_follow_the_vietnamese_alphabet():
    letters = list("ABCDĐEGHIKLMNOPQRSTUVXY") + ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư"]
    random.Random(8).shuffle(letters)
    assert "".join(vietnamese_sorted(letters)) == "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"


def test_tones_come_after_the_base_letter_in_dictionary_order():
    """không dấu, huyền, hỏi, ngã, sắc, nặng."""
    assert vietnamese_sorted(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_letters_decide_before_tones():
    """A tone only breaks ties: 'cá' sorts before 'cam' although 'á' is toned."""
    assert vietnamese_sorted(["cam", "cá", "cà"]) == ["cà", "cá", "cam"]


def test_space_sorts_before_letters_and_case_only_breaks_ties():
    assert vietnamese_sorted(["Bàu Đồn", "Bà Rịa", "bà rịa"]) == ["bà rịa", "Bà Rịa", "Bàu Đồn"]


def test_decomposed_and_composed_text_sort_together():
    """Text pasted from some editors arrives decomposed (NFD); it must not sort apart from composed text."""
    decomposed = "Đa\u0300 Na\u0306\u0303ng"
    assert vietnamese_sort_key(decomposed)[:3] == vietnamese_sort_key("Đà Nẵng")[:3]


@given(st.lists(st.text(max_size=12), max_size=12))
def test_key_is_a_total_order(texts):
    ordered = vietnamese_sorted(texts)
    assert vietnamese_sorted(ordered) == ordered
    assert sorted(ordered) == sorted(texts)


@pytest.mark.django_db
def test_database_orders_localities_in_vietnamese(django_assert_num_queries):
    for name in NAMES:
        Locality.objects.create(name=name, kind=Locality.Kind.COMMUNE)
    with django_assert_num_queries(1):
        names = list(Locality.objects.order_by(vietnamese_order("name")).values_list("name", flat=True))
    assert names == VIETNAMESE_ORDER, connection.vendor
    descending = Locality.objects.order_by(vietnamese_order("name", descending=True)).values_list("name", flat=True)
    assert list(descending) == VIETNAMESE_ORDER[::-1]


@pytest.mark.django_db
def test_database_and_python_agree_on_tones_and_case():
    names = ["mạ", "Má", "mã", "mả", "mà", "ma", "Ma", "Mai", "Mẫn", "Man"]
    for name in names:
        Agency.objects.create(name=name)
    in_database = list(Agency.objects.order_by(vietnamese_order("name")).values_list("name", flat=True))
    assert in_database == vietnamese_sorted(names)


@pytest.mark.django_db
def test_vietnamese_order_in_filters_and_on_related_fields():
    province = Locality.objects.create(name="Tây Ninh", kind=Locality.Kind.PROVINCE)
    for name in NAMES:
        Locality.objects.create(name=name, kind=Locality.Kind.DISTRICT, parent=province)
    children = Locality.objects.filter(parent__name="Tây Ninh").order_by(vietnamese_order("name"))
    assert [child.name for child in children] == VIETNAMESE_ORDER
