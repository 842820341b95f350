"""Vietnamese dates, times, numbers and money: the functions and the template filters."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format

from home.templatetags.vi_format import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_prose_date,
    format_time,
)

UTC = datetime.UTC


def render(source, **context):
    return Template("{% load vi_format %}" + source).render(Context(context))


def test_dates():
    day = datetime.date(2023, 6, 11)
    assert format_date(day) == "11/06/2023"
    assert format_prose_date(day) == "ngày 11 tháng 6 năm 2023"
    assert format_prose_date(datetime.date(2023, 1, 5)) == "ngày 5 tháng 1 năm 2023"
    assert format_prose_date(datetime.date(2023, 1, 5), official=True) == "ngày 05 tháng 01 năm 2023"
    assert format_prose_date(datetime.date(2023, 11, 5), official=True) == "ngày 05 tháng 11 năm 2023"


def test_times_are_in_vietnam_whatever_the_active_time_zone():
    moment = datetime.datetime(2023, 6, 10, 17, 30, tzinfo=UTC)  # 00:30 on the 11th in Tây Ninh
    with timezone.override(ZoneInfo("America/New_York")):
        assert format_time(moment) == "00:30"
        assert format_date(moment) == "11/06/2023"
        assert format_datetime(moment) == "00:30 11/06/2023"
        assert format_prose_date(moment) == "ngày 11 tháng 6 năm 2023"
    assert format_time(datetime.time(8, 5)) == "08:05"


def test_numbers_use_vietnamese_separators():
    assert format_number(1234567) == "1.234.567"
    assert format_number(Decimal("1234.5")) == "1.234,5"
    assert format_number("2500.456", decimals=2) == "2.500,46"
    assert format_number(-1000) == "-1.000"
    assert format_number(999) == "999"
    assert format_number(0) == "0"
    assert format_number(1, decimals=-3) == "1"
    assert format_number(Decimal("1E+40"), decimals=0) == "10" + ".000" * 13


def test_money_in_dong():
    assert format_money(30_000_000) == "30.000.000 đ"
    assert format_money(Decimal("1500.5")) == "1.501 đ"
    assert format_money("200000") == "200.000 đ"
    assert format_money(-50_000) == "-50.000 đ"


@pytest.mark.parametrize("bad", [None, "", "abc", float("nan"), float("inf"), True, object()])
def test_bad_input_gives_nothing_rather_than_an_error(bad):
    assert format_money(bad) == ""
    assert format_number(bad) == ""
    assert format_date(bad) == ""
    assert format_time(bad) == ""


def test_template_filters():
    moment = datetime.datetime(2023, 6, 11, 2, 15, tzinfo=UTC)
    output = render(
        "{{ d|vi_date }}|{{ d|vi_prose_date }}|{{ d|vi_official_date }}|{{ m|vi_time }}|{{ m|vi_datetime }}|"
        "{{ n|vi_number }}|{{ x|vi_number:1 }}|{{ p|vi_money }}",
        d=datetime.date(2023, 2, 1),
        m=moment,
        n=1234567,
        x=3.14159,
        p=30_000_000,
    )
    assert output == (
        "01/02/2023|ngày 1 tháng 2 năm 2023|ngày 01 tháng 02 năm 2023|09:15|09:15 11/06/2023|1.234.567|3,1|30.000.000 đ"
    )


def test_template_filters_show_unreadable_values_as_they_are_and_escape_them():
    assert render("{{ v|vi_money }}|{{ e|vi_money }}|{{ n|vi_date }}", v="<b>lỗi</b>", e=None, n="") == (
        "&lt;b&gt;lỗi&lt;/b&gt;||"
    )


def test_django_formats_agree_with_the_filters():
    """The site's format module (config/formats/vi) gives the same dd/mm/yyyy and separators as the filters."""
    with translation.override("vi"):
        assert date_format(datetime.date(2023, 6, 11), "SHORT_DATE_FORMAT") == format_date(datetime.date(2023, 6, 11))
        assert number_format(1234567.5, decimal_pos=1, force_grouping=True) == format_number(1234567.5, 1)
