"""E-mail templates organisers edit, and every message the site queued: to whom, about what, and whether it went."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, HelpPanel


class VariablesPanel(HelpPanel):
    """Lists the values the template's kind offers, so organisers know what {{ … }} they may write."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            from .registry import KINDS

            kind = KINDS.get(getattr(self.instance, "key", ""))
            variables = kind.variables if kind else {}
            self.content = (
                format_html(
                    "<p>{}</p><ul>{}</ul>",
                    gettext("Values this message can use:"),
                    format_html_join("", "<li><code>{{{{ {} }}}}</code>: {}</li>", sorted(variables.items())),
                )
                if variables
                else ""
            )


class MessageTemplate(models.Model):
    """The subject and text of one kind of message, in Django template language ({{ entry.code }} …)."""

    key = models.CharField(_("kind"), max_length=80, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    panels = [
        HelpPanel(
            content=_(
                "Subject and text use Django's template language: {{ entry.code }}, {{ entry.title }}, "
                "{{ link }} and the other values listed in the message's description. A template that does not "
                "render is replaced by the default text, so a mistake never stops a message."
            )
        ),
        VariablesPanel(),
        FieldPanel("name"),
        FieldPanel("subject"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OutgoingMessage(models.Model):
    """One e-mail, rendered when queued; sent after the change that caused it commits, retried until it goes."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed, will retry")
        ABANDONED = "abandoned", _("abandoned")

    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    to = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    # A message that means nothing after a while (a vote confirmation code) is given up rather than sent late.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    related_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    related_id = models.CharField(max_length=64, blank=True, db_index=True)
    related = GenericForeignKey("related_type", "related_id")

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["related_type", "related_id"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"
