"""Template tags for the site's frame: the main menu."""

from django import template

from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page's children marked 'show in menus', in their tree order; one query."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    items = []
    if site is not None:
        items = list(site.root_page.get_children().live().in_menu().only("title", "url_path", "path", "depth"))
    current = context.get("page")
    current_path = getattr(current, "path", "") or ""
    return {
        "items": [
            {"title": item.title, "url": item.get_url(request), "active": current_path.startswith(item.path)}
            for item in items
        ],
        "request": request,
    }
