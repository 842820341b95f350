"""Template tags for the site's frame: the main menu, and blocks of HTML cached until the content changes."""

from django import template

from wagtail.models import Site

from home import fragments

register = template.Library()


def _menu_items(request):
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    pages = site.root_page.get_children().live().in_menu().only("title", "url_path", "path", "depth")
    return [{"title": page.title, "url": page.get_url(request), "path": page.path} for page in pages]


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page's children marked 'show in menus', in their tree order; cached (see home.fragments)."""
    request = context.get("request")
    items = fragments.cached_value(request, "menu", lambda: _menu_items(request))
    current = context.get("page")
    current_path = getattr(current, "path", "") or ""
    return {
        "items": [{**item, "active": current_path.startswith(item["path"])} for item in items],
        "request": request,
    }


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context):
        name = self.name.resolve(context)
        vary = [value.resolve(context) for value in self.vary]
        return fragments.cached_html(context.get("request"), name, lambda: self.nodelist.render(context), *vary)


@register.tag("fragment")
def fragment(parser, token):
    """`{% fragment "name" [vary …] %}…{% endfragment %}`: the enclosed HTML, rendered once per content change.

    Only for HTML that is the same for every reader of the site (no forms, no reader, no clock): the key is the
    name, the values given after it, the site and the page cache's generation. Querysets in the context are lazy,
    so a cached block runs none of its queries.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
