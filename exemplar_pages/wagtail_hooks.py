"""Admin registrations: the movements menu, permission policies and the import's audit-log action."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from home.models import NewsCategory

from .models import Agency, Locality
from .services.importing import IMPORT_ACTION
from .viewsets import MovementsAdminGroup

for model in (Agency, Locality, NewsCategory):
    register_permission_policy(model)


@hooks.register("register_admin_viewset")
def register_movements_admin():
    return MovementsAdminGroup()


@hooks.register("register_log_actions")
def register_import_action(actions):
    actions.register_action(IMPORT_ACTION, _("Import exemplar"), _("Imported from a spreadsheet"))
