"""Vietnamese dates, times, numbers and money, as Python functions and as template filters (`{% load vi_format %}`).

- `vi_date`: 11/06/2023 (dd/mm/yyyy)
- `vi_prose_date`: "ngày 11 tháng 6 năm 2023"; `vi_official_date`: "ngày 05 tháng 01 năm 2023", the form of
  administrative documents (Nghị định 30/2020/NĐ-CP: a zero before days under 10 and months 1 and 2)
- `vi_time`: 14:30; `vi_datetime`: 14:30 11/06/2023 — always in Vietnam's time (Asia/Ho_Chi_Minh), whatever
  the active time zone, because the province's deadlines and events are in local time
- `vi_number`: 1.234.567 and 1.234,5 (dots between thousands, a comma before decimals)
- `vi_money`: 30.000.000 đ (đồng has no minor unit: amounts are rounded to the đồng)

Empty values give "" and values of the wrong type are returned unchanged, so a template never breaks.
"""

import datetime
from contextlib import suppress
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import template

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
THOUSANDS = "."
DECIMAL_POINT = ","
CURRENCY = "đ"
MAX_DECIMALS = 10

register = template.Library()


def _local(value: datetime.datetime) -> datetime.datetime:
    """An aware datetime in Vietnam's time; a naive one is taken to be in Vietnam's time already."""
    return value.astimezone(VIETNAM) if value.tzinfo else value


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return _local(value).date()
    if isinstance(value, datetime.date):
        return value
    return None


def format_date(value) -> str:
    day = _as_date(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


def format_prose_date(value, *, official: bool = False) -> str:
    day = _as_date(value)
    if not day:
        return ""
    if official:
        day_text = f"{day.day:02d}"
        month_text = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    else:
        day_text, month_text = str(day.day), str(day.month)
    return f"ngày {day_text} tháng {month_text} năm {day.year}"


def format_time(value) -> str:
    if isinstance(value, datetime.datetime):
        value = _local(value).time()
    if not isinstance(value, datetime.time):
        return ""
    return f"{value.hour:02d}:{value.minute:02d}"


def format_datetime(value) -> str:
    if not isinstance(value, datetime.datetime):
        return format_date(value)
    return f"{format_time(value)} {format_date(value)}"


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value, decimals: int | None = None) -> str:
    """Dots between thousands, a comma before decimals; `decimals` fixes how many (default: as given)."""
    number = _decimal(value)
    if number is None:
        return ""
    if decimals is not None:
        places = max(0, min(int(decimals), MAX_DECIMALS))
        # More digits than Decimal's precision: show the number as given.
        with suppress(InvalidOperation):
            number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = THOUSANDS.join(groups)
    return f"{sign}{text}{DECIMAL_POINT}{fraction}" if fraction else f"{sign}{text}"


def format_money(value) -> str:
    """An amount in đồng: 30.000.000 đ."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"{format_number(number, decimals=0)} {CURRENCY}"


def _shown(value, result: str):
    """What a filter shows: "" for an empty value, the value itself when it cannot be read."""
    if value is None or value == "":
        return ""
    return result if result != "" else value


@register.filter
def vi_date(value):
    return _shown(value, format_date(value))


@register.filter
def vi_prose_date(value):
    return _shown(value, format_prose_date(value))


@register.filter
def vi_official_date(value):
    return _shown(value, format_prose_date(value, official=True))


@register.filter
def vi_time(value):
    return _shown(value, format_time(value))


@register.filter
def vi_datetime(value):
    return _shown(value, format_datetime(value))


@register.filter
def vi_number(value, decimals=None):
    try:
        places = None if decimals in (None, "") else int(decimals)
    except (TypeError, ValueError):
        places = None
    return _shown(value, format_number(value, places))


@register.filter
def vi_money(value):
    return _shown(value, format_money(value))
