"""Template helpers for exemplar pages: schema.org data as JSON-LD, and progress bars."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as Django's json_script, so text in the data can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def exemplar_ld_json(context, page, image_url=""):
    """schema.org JSON-LD for an exemplar story: an Article about a Person or an Organization."""
    request = context.get("request")
    about_type = "Person" if page.kind == "individual" else "Organization"
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title[:110],
        "description": page.summary or page.search_description,
        "url": context.get("page_url") or page.get_full_url(request),
        "inLanguage": "vi",
        "datePublished": page.first_published_at,
        "dateModified": page.last_published_at,
        "about": {"@type": about_type, "name": page.title},
    }
    if page.locality_id:
        data["about"]["address"] = {"@type": "PostalAddress", "addressLocality": page.locality.name}
    if image_url:
        data["image"] = [request.build_absolute_uri(image_url) if request else image_url]
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above


@register.inclusion_tag("includes/progress_bar.html")
def progress_bar(row):
    return {"row": row}
