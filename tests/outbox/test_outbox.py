"""Messages are queued with the change that causes them, sent after commit, and retried when the server refuses."""

import datetime

import pytest

from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from outbox.models import MessageTemplate, OutgoingMessage
from outbox.registry import KINDS, register
from outbox.services import deliver_due, messages_about, queue_message

pytestmark = pytest.mark.django_db(transaction=True)

# A real SMTP connection to a loopback port where nothing listens: the "server" refuses every message.
REFUSING_SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,
    "EMAIL_TIMEOUT": 2,
}


@pytest.fixture(autouse=True)
def greeting_kind():
    register(
        "test.greeting",
        name="Lời chào",
        subject="Chào {{ name }}",
        body="Xin chào {{ name }}, mã của bạn là {{ code }}.",
    )
    yield
    KINDS.pop("test.greeting", None)


def test_message_is_sent_only_after_commit():
    with transaction.atomic():
        message = queue_message("test.greeting", to="a@example.vn", context={"name": "An", "code": "GNT-1"})
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Chào An"
    assert "mã của bạn là GNT-1" in mail.outbox[0].body
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT and message.attempts == 1


def test_rolled_back_change_leaves_no_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_message("test.greeting", to="a@example.vn", context={"name": "An", "code": "1"})
        raise RuntimeError("the change failed")
    assert OutgoingMessage.objects.count() == 0
    assert mail.outbox == []


def test_refusing_server_keeps_the_message_for_retry():
    user = User.objects.create(username="u1")
    with override_settings(**REFUSING_SMTP), transaction.atomic():
        queue_message("test.greeting", to="a@example.vn", context={"name": "An", "code": "1"}, related=user)
    message = OutgoingMessage.objects.get()
    assert message.status == OutgoingMessage.Status.FAILED
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    assert message.next_attempt_at > timezone.now()
    assert list(messages_about(user)) == [message]
    # Later the server answers again: the retry sends it.
    OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(1))
    deliver_due()
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT and message.attempts == 2
    assert len(mail.outbox) == 1


def test_organisers_edit_is_used_and_a_broken_edit_falls_back_to_the_default():
    template = MessageTemplate.objects.create(
        key="test.greeting", name="Lời chào", subject="Kính gửi {{ name }}", body="Thân ái, {{ name }}"
    )
    with transaction.atomic():
        queue_message("test.greeting", to="a@example.vn", context={"name": "Bình", "code": "2"})
    assert mail.outbox[-1].subject == "Kính gửi Bình"
    template.body = "{% if %}"
    template.save()
    with transaction.atomic():
        queue_message("test.greeting", to="a@example.vn", context={"name": "Bình", "code": "2"})
    assert mail.outbox[-1].body.startswith("Xin chào Bình")


@pytest.mark.django_db  # not transactional: the groups come from migrations, which a flush would remove
def test_organisers_may_read_messages_but_not_create_or_delete_them(client):
    organiser = User.objects.create_user("bantochuc", password="x" * 12)
    organiser.groups.add(Group.objects.get(name="Ban Tổ chức"))
    client.force_login(organiser)
    assert client.get("/admin/outbox/messages/").status_code == 200
    assert client.get("/admin/outbox/messages/new/").status_code in (302, 403)
    editor = User.objects.create_user("editor", password="x" * 12)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/outbox/messages/").status_code in (302, 403)
