"""`manage.py bootstrap` (what `make run` loads) is idempotent: a second run adds and changes nothing."""

import io

import pytest

from django.apps import apps
from django.core.management import call_command

from wagtail.models import Page, Site

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.app_label not in {"sessions", "admin"}
    }


def test_bootstrap_twice_changes_nothing():
    call_command("bootstrap", stdout=io.StringIO())
    first = row_counts()
    home = Site.objects.get(is_default_site=True).root_page.specific
    assert home.__class__.__name__ == "HomePage"
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    call_command("bootstrap", stdout=io.StringIO())
    assert row_counts() == first
