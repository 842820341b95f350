"""Admin for messages: organisers edit the e-mail templates and read every message the site queued."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import MessageTemplate, OutgoingMessage


class OutgoingMessagePermissionPolicy(ModelPermissionPolicy):
    """Messages are a record: nobody creates or deletes them by hand; organisers may only read and requeue."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class MessageTemplateViewSet(SnippetViewSet):
    model = MessageTemplate
    icon = "mail"
    menu_label = _("E-mail templates")
    list_display = ["name", "subject", "updated_at"]
    search_fields = ["name", "subject", "body"]
    add_to_admin_menu = False


register_permission_policy(OutgoingMessage, OutgoingMessagePermissionPolicy(OutgoingMessage))


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
    form_fields = ["status"]
    list_export = ["created_at", "kind", "to", "subject", "status", "attempts", "sent_at", "last_error"]


register_snippet(MessageTemplateViewSet)


class MessagesGroup(ModelViewSetGroup):
    menu_label = _("Messages")
    menu_icon = "mail"
    menu_order = 260
    items = [OutgoingMessageViewSet]


@hooks.register("register_admin_viewset")
def register_outbox_viewsets():
    return MessagesGroup()
