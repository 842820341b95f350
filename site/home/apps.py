"""App config for the site-wide Wagtail pieces."""

from django.apps import AppConfig
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def label_columns_from_fields(view_class, model):
    """Columns Wagtail declared without a label show the field's name in English ("Root page"); label them
    with the model field's translated verbose name instead."""
    for column in view_class.columns:
        if column.label == capfirst(column.name.replace("_", " ")):
            column.label = capfirst(model._meta.get_field(column.name).verbose_name)


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Site")

    def ready(self):
        from wagtail.admin.forms.auth import LoginForm
        from wagtail.models import Site
        from wagtail.sites.views import IndexView as SiteIndexView

        from home.collation import connect_signals

        from . import signals

        # Any change to the page tree makes the anonymous page cache stale.
        signals.connect()
        # SQLite learns the Vietnamese collation on every new connection (PostgreSQL has ICU's vi-x-icu).
        connect_signals()
        # Wagtail's login form leaves the password label to Django's pretty_name("password"), an English
        # "Password" that no catalogue can translate; give it a translatable label. The msgid is Wagtail's (our
        # locale/wagtail catalogues translate it), hence a variable, which makemessages leaves to them.
        wagtail_msgid = "Password"
        LoginForm.base_fields["password"].label = _(wagtail_msgid)
        label_columns_from_fields(SiteIndexView, Site)
        # The admin's choosers start from data, not inline scripts: the admin's CSP allows none.
        from config import admin_csp

        admin_csp.install()
