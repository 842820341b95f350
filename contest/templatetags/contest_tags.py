"""Template helpers for contest pages: money in đồng as Vietnamese write it."""

from django import template

register = template.Library()


@register.filter
def dong(amount):
    """30000000 -> "30.000.000 đ", with a no-break space so the unit never wraps away from the number."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    return f"{value:,}".replace(",", ".") + "\u00a0đ"
