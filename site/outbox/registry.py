"""The message kinds the site sends, with their default Vietnamese text; each app registers its own at import.

Defaults are data, not screen strings: organisers edit them in the admin, and a missing template falls back to
its default here.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MessageKind:
    key: str
    name: str
    subject: str
    body: str
    variables: dict = field(default_factory=dict)
    # A one-time secret (a confirmation code or link) is in the text: it is kept only until the message is sent
    # or given up, the message stays out of the admin's list, and a retry after `expires_at` is pointless.
    secret: bool = False


KINDS: dict[str, MessageKind] = {}


def register(key, *, name, subject, body, variables=None, secret=False):
    KINDS[key] = MessageKind(key=key, name=name, subject=subject, body=body, variables=variables or {}, secret=secret)
    return KINDS[key]


def ensure_templates():
    """Create the template row of every registered kind that has none; never overwrite an organiser's edit."""
    from django.apps import apps
    from django.db import DatabaseError

    from .models import MessageTemplate

    if not apps.ready:
        return
    try:
        existing = set(MessageTemplate.objects.values_list("key", flat=True))
    except DatabaseError:  # the table does not exist yet (a partial migrate)
        return
    MessageTemplate.objects.bulk_create(
        [
            MessageTemplate(key=kind.key, name=kind.name, subject=kind.subject, body=kind.body)
            for kind in KINDS.values()
            if kind.key not in existing
        ]
    )


def secret_kinds():
    """The keys of kinds whose text holds a one-time secret (kept out of the admin, wiped once sent)."""
    return [kind.key for kind in KINDS.values() if kind.secret]
