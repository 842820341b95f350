"""App config for the site-wide Wagtail pieces."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Site")

    def ready(self):
        from wagtail.admin.forms.auth import LoginForm

        from home.collation import connect_signals

        # SQLite learns the Vietnamese collation on every new connection (PostgreSQL has ICU's vi-x-icu).
        connect_signals()
        # Wagtail's login form leaves the password label to Django's pretty_name("password"), an English
        # "Password" that no catalogue can translate; give it a translatable label. The msgid is Wagtail's (our
        # locale/wagtail catalogues translate it), hence a variable, which makemessages leaves to them.
        wagtail_msgid = "Password"
        LoginForm.base_fields["password"].label = _(wagtail_msgid)
