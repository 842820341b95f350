"""Messages holding a one-time secret: wiped once sent or given up, never sent after they expire, purged in one go."""

import datetime

import pytest

from django.contrib.auth.models import User
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from outbox.models import OutgoingMessage
from outbox.registry import KINDS, register, secret_kinds
from outbox.services import MAX_ATTEMPTS, WIPED_BODY, delete_messages_about, deliver, messages_about, queue_message

pytestmark = pytest.mark.django_db

REFUSING_SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,
    "EMAIL_TIMEOUT": 2,
}


@pytest.fixture(autouse=True)
def kinds():
    register("test.code", name="Mã", subject="Mã của bạn", body="Mã: {{ code }}", secret=True)
    register("test.plain", name="Thư", subject="Chào", body="Xin chào {{ name }}")
    yield
    KINDS.pop("test.code", None)
    KINDS.pop("test.plain", None)


def test_only_secret_kinds_are_wiped_once_sent(django_capture_on_commit_callbacks):
    assert "test.code" in secret_kinds() and "test.plain" not in secret_kinds()
    with django_capture_on_commit_callbacks(execute=True):
        secret = queue_message("test.code", to="a@example.vn", context={"code": "123456"})
        plain = queue_message("test.plain", to="a@example.vn", context={"name": "An"})
    assert [m.body for m in mail.outbox] == ["Mã: 123456\n", "Xin chào An\n"]
    secret.refresh_from_db()
    plain.refresh_from_db()
    assert secret.body == WIPED_BODY and plain.body == "Xin chào An\n"


def test_a_secret_given_up_after_the_last_attempt_is_wiped_too():
    message = queue_message("test.code", to="a@example.vn", context={"code": "654321"})
    OutgoingMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
    with override_settings(**REFUSING_SMTP):
        message = deliver(message.pk)
    assert message.status == OutgoingMessage.Status.ABANDONED
    assert OutgoingMessage.objects.get(pk=message.pk).body == WIPED_BODY


def test_an_expired_message_is_given_up_not_sent():
    message = queue_message(
        "test.plain",
        to="a@example.vn",
        context={"name": "An"},
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    message = deliver(message.pk)
    assert message.status == OutgoingMessage.Status.ABANDONED and message.attempts == 0
    assert mail.outbox == []


@pytest.mark.parametrize("count", [1, 50])
def test_purging_the_messages_about_many_objects_takes_fixed_queries(count, django_assert_max_num_queries):
    users = [User.objects.create(username=f"u{n}") for n in range(count)]
    keep = User.objects.create(username="giu-lai")
    for user in [*users, keep]:
        queue_message("test.plain", to=f"{user.username}@example.vn", context={"name": user.username}, related=user)
    # Django reads the rows once (for delete signals), then deletes them in one statement.
    with django_assert_max_num_queries(2):
        deleted = delete_messages_about(User.objects.exclude(pk=keep.pk))
    assert deleted == count
    assert [m.to for m in OutgoingMessage.objects.all()] == ["giu-lai@example.vn"]
    assert messages_about(keep).count() == 1
