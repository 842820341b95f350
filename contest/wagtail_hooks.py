"""Wagtail hooks for the contest: the "Cuộc thi" admin menu and every admin module under contest/admin/."""

import importlib
import pkgutil

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, SubmenuMenuItem

from . import admin as admin_package

CONTEST_MENU_HOOK = "register_contest_menu_item"

for _module in pkgutil.iter_modules(admin_package.__path__):
    importlib.import_module(f"{admin_package.__name__}.{_module.name}")


@hooks.register("register_admin_menu_item")
def register_contest_menu():
    return SubmenuMenuItem(
        _("Contest"), Menu(register_hook_name=CONTEST_MENU_HOOK), icon_name="trophy", name="contest", order=250
    )
