"""`manage.py bootstrap` loads the plan and 40+ demo exemplars with locally drawn photos; a second run adds nothing."""

import pytest

from django.core.management import call_command

from wagtail.images import get_image_model

from exemplar_pages.models import ExemplarPage, Locality, MovementPage

pytestmark = pytest.mark.django_db


def test_bootstrap_twice(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("bootstrap", stdout=open("/dev/null", "w"))  # noqa: SIM115
    exemplars = ExemplarPage.objects.live()
    assert exemplars.count() >= 40
    assert exemplars.values("movement").distinct().count() == MovementPage.objects.count() == 16
    assert exemplars.values("kind").distinct().count() >= 5
    assert exemplars.values("locality").distinct().count() >= 20
    assert ExemplarPage.objects.filter(live=False).exists()  # drafts show that progress counts only what is live
    assert Locality.objects.filter(is_current=False, successor__isnull=False).exists()
    photo = exemplars.exclude(photo=None).first().photo
    assert (photo.width, photo.height) == (1200, 800)
    counts = (ExemplarPage.objects.count(), get_image_model().objects.count(), Locality.objects.count())
    call_command("bootstrap", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (ExemplarPage.objects.count(), get_image_model().objects.count(), Locality.objects.count()) == counts
