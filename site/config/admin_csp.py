"""Wagtail's chooser widgets started without an inline script, so the admin's CSP needs no 'unsafe-inline'."""

import json

from django.utils.safestring import mark_safe

from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser

_original_render = BaseChooser.render


def start_up_data(spec):
    """Inert start-up data that static/js/admin-init.js runs; escaped as Django's json_script does."""
    text = json.dumps(spec).replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return f'<script type="application/json" data-admin-init>{text}</script>'


def render_without_inline_script(self, name, value, attrs=None, renderer=None):
    """BaseChooser.render (Wagtail 8.0), writing `new <Chooser>(id, options)` as data instead of as a script."""
    render_js_init = type(self).render_js_init
    if render_js_init is BaseChooser.render_js_init:
        spec = lambda id_, value_data: {  # noqa: E731
            "construct": self.js_constructor,
            "args": [id_, self.get_js_init_options(id_, name, value_data)],
        }
    elif render_js_init is AdminTaskChooser.render_js_init:
        spec = lambda id_, value_data: {"call": "createTaskChooser", "args": [id_]}  # noqa: E731
    else:
        # A chooser of unknown start-up code: Wagtail's inline script, which the policy reports in the console.
        return _original_render(self, name, value, attrs, renderer)
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as error:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    return mark_safe(f"{widget_html}{start_up_data(spec(id_, value_data))}")  # noqa: S308 - our own escaping


def install():
    BaseChooser.render = render_without_inline_script
