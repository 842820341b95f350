"""Admin for messages: organisers edit the e-mail templates and read every message the site queued."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.views.generic import EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import MessageTemplate, OutgoingMessage
from .registry import secret_kinds


class OutgoingMessagePermissionPolicy(ModelPermissionPolicy):
    """Messages are a record: nobody creates or deletes them by hand; organisers may only read and requeue."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class MessageTemplateViewSet(SnippetViewSet):
    """Organisers edit the text of every kind of message; new kinds appear here after `migrate`."""

    model = MessageTemplate
    icon = "mail"
    menu_label = _("E-mail templates")
    list_display = ["name", "subject", "updated_at"]
    search_fields = ["name", "subject", "body"]
    add_to_admin_menu = False


register_permission_policy(OutgoingMessage, OutgoingMessagePermissionPolicy(OutgoingMessage))


class HideSecretMessagesMixin:
    """Vote confirmations carry a reader's address and a one-time code; organisers see readers only by their e-mail
    domain (voting admin), so these messages stay a delivery queue that nobody browses in the admin."""

    def get_base_queryset(self):
        return super().get_base_queryset().exclude(kind__in=secret_kinds())

    def get_object(self, *args, **kwargs):
        message = super().get_object(*args, **kwargs)
        if message.kind in secret_kinds():
            raise Http404
        return message


class OutgoingMessageViewSet(ModelViewSet):
    model = OutgoingMessage
    name = "outgoing_messages"
    url_prefix = "outbox/messages"
    icon = "mail"
    menu_label = _("Sent messages")
    list_display = ["subject", "to", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    inspect_view_enabled = True
    # A message is a record, not content other objects use: indexing its generic link would cost queries on every
    # message queued and purged, and would note which reader or author a message was about in one more place.
    add_to_reference_index = False
    form_fields = ["status"]
    list_export = ["created_at", "kind", "to", "subject", "status", "attempts", "sent_at", "last_error"]
    index_view_class = type("OutgoingMessageIndexView", (HideSecretMessagesMixin, IndexView), {})
    edit_view_class = type("OutgoingMessageEditView", (HideSecretMessagesMixin, EditView), {})
    inspect_view_class = type("OutgoingMessageInspectView", (HideSecretMessagesMixin, InspectView), {})


register_snippet(MessageTemplateViewSet)


class MessagesGroup(ModelViewSetGroup):
    menu_label = _("Messages")
    menu_icon = "mail"
    menu_order = 260
    items = [OutgoingMessageViewSet]


@hooks.register("register_admin_viewset")
def register_outbox_viewsets():
    return MessagesGroup()
