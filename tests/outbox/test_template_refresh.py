"""Templates left at their first defaults pick up the new text; an organiser's edit is never overwritten."""

import importlib

import pytest

from django.apps import apps

from contest import messages
from outbox.models import MessageTemplate
from outbox.registry import ensure_templates

pytestmark = pytest.mark.django_db

refresh_migration = importlib.import_module("outbox.migrations.0004_refresh_unedited_templates")


def test_unedited_first_defaults_are_replaced_and_edits_kept():
    MessageTemplate.objects.filter(key__in=["contest.screening", "contest.receipt"]).delete()
    first_subject, first_body = refresh_migration.FIRST_DEFAULTS["contest.screening"]
    MessageTemplate.objects.create(key="contest.screening", name="Sơ duyệt", subject=first_subject, body=first_body)
    MessageTemplate.objects.create(
        key="contest.receipt", name="Biên nhận", subject="Của Ban Tổ chức sửa", body="Nội dung đã sửa {{ link }}"
    )
    refresh_migration.refresh(apps, None)
    ensure_templates()
    screening = MessageTemplate.objects.get(key="contest.screening")
    assert (screening.subject, screening.body) == (messages.SCREENING.subject, messages.SCREENING.body)
    assert "{{ link }}" not in screening.body  # the first default pointed at a link the screening never had
    receipt = MessageTemplate.objects.get(key="contest.receipt")
    assert (receipt.subject, receipt.body) == ("Của Ban Tổ chức sửa", "Nội dung đã sửa {{ link }}")
