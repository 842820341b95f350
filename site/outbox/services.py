"""Queue and deliver messages: queued inside the caller's transaction, delivered after it commits.

A message row exists exactly when the change that caused it committed; a delivery failure is logged and retried
(`manage.py send_queued_messages`) and never undoes that change.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from .models import MessageTemplate, OutgoingMessage
from .registry import KINDS

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# What remains of a message whose text held a one-time secret once it was sent or given up.
WIPED_BODY = "[Nội dung đã được xoá sau khi gửi vì thư chứa mã xác nhận dùng một lần.]\n"


def render(kind, context):
    """Subject and text of `kind` with `context`, from the organisers' template or the registered default."""
    template = MessageTemplate.objects.filter(key=kind).first()
    default = KINDS[kind]
    subject_source, body_source = (template.subject, template.body) if template else (default.subject, default.body)
    try:
        subject = Template(subject_source).render(Context(context, autoescape=False))
        body = Template(body_source).render(Context(context, autoescape=False))
    except TemplateSyntaxError:
        # An organiser's broken edit must not stop the mail: fall back to the shipped text and say so in the log.
        logger.exception("E-mail template %s does not render; using the default text", kind)
        subject = Template(default.subject).render(Context(context, autoescape=False))
        body = Template(default.body).render(Context(context, autoescape=False))
    return " ".join(subject.split()), body.strip() + "\n"


def queue_message(kind, *, to, context, related=None, expires_at=None):
    """Render and store a message now; deliver it once the surrounding transaction commits.

    `related` is what the message is about (an entry, a judge, a voter): organisers find it there. A message
    with `expires_at` is given up instead of being sent after that moment.
    """
    subject, body = render(kind, context)
    message = OutgoingMessage.objects.create(
        kind=kind,
        to=to,
        subject=subject[:255],
        body=body,
        expires_at=expires_at,
        related_type=ContentType.objects.get_for_model(related) if related is not None else None,
        related_id=str(related.pk) if related is not None else "",
    )
    transaction.on_commit(lambda: deliver(message.pk))
    return message


def deliver(message_pk):
    """Send one queued message; on failure record the error and schedule a retry with back-off."""
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().filter(pk=message_pk).first()
        if message is None or message.status in (OutgoingMessage.Status.SENT, OutgoingMessage.Status.ABANDONED):
            return message
        if message.expires_at and message.expires_at <= timezone.now():
            message.status = OutgoingMessage.Status.ABANDONED
            message.next_attempt_at = None
            message.last_error = (message.last_error + "\n" if message.last_error else "") + "Expired before delivery"
            _wipe_secret(message)
            message.save(update_fields=["status", "last_error", "next_attempt_at", "body"])
            return message
        message.attempts += 1
        try:
            EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to]).send()
        except Exception as error:  # noqa: BLE001 - any transport failure is recorded, never raised to the caller
            logger.warning("Sending message %s to %s failed: %s", message.pk, message.to, error)
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutgoingMessage.Status.ABANDONED
                message.next_attempt_at = None
            else:
                message.status = OutgoingMessage.Status.FAILED
                message.next_attempt_at = timezone.now() + datetime.timedelta(minutes=2**message.attempts)
        else:
            message.status = OutgoingMessage.Status.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            message.last_error = ""
        if message.status in (OutgoingMessage.Status.SENT, OutgoingMessage.Status.ABANDONED):
            _wipe_secret(message)
        message.save(update_fields=["attempts", "status", "last_error", "sent_at", "next_attempt_at", "body"])
    return message


def _wipe_secret(message):
    kind = KINDS.get(message.kind)
    if kind is not None and kind.secret:
        message.body = WIPED_BODY


def deliver_due(now=None):
    """Retry every message whose next attempt is due (and any queued one left behind by a crash)."""
    now = now or timezone.now()
    retry_due = Q(status=OutgoingMessage.Status.FAILED, next_attempt_at__lte=now)
    # A queued message older than a few minutes was never delivered (the process died after the commit).
    left_behind = Q(status=OutgoingMessage.Status.QUEUED, created_at__lte=now - datetime.timedelta(minutes=5))
    due = OutgoingMessage.objects.filter(retry_due | left_behind).order_by("pk")
    return [deliver(pk) for pk in due.values_list("pk", flat=True)]


def delete_messages_about(queryset):
    """Delete every message about the objects of `queryset` (a personal-data purge); returns how many went."""
    # One subquery, however many objects: the generic key is text, so the primary keys are cast to match.
    ids = queryset.annotate(outbox_key=Cast("pk", CharField())).values("outbox_key")
    deleted, _detail = OutgoingMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(queryset.model), related_id__in=ids
    ).delete()
    return deleted


def messages_about(obj):
    """Every message queued about `obj` (an entry, a vote…), newest first, for organisers."""
    return OutgoingMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(obj), related_id=str(obj.pk)
    ).order_by("-created_at", "-pk")
