"""The contest's admin screens, one module per area (entries, judging, voting, awards); wagtail_hooks loads them all.

Each module registers its viewsets with `register_admin_viewset` and its menu items with the
`register_contest_menu_item` hook, so every area lands in the one "Cuộc thi" menu without editing the others.
"""

from wagtail.admin.menu import MenuItem


class ContestMenuItem(MenuItem):
    """An item of the "Cuộc thi" menu, shown only to the people its predicate lets in."""

    def __init__(self, *args, predicate, **kwargs):
        super().__init__(*args, **kwargs)
        self.predicate = predicate

    def is_shown(self, request):
        return bool(self.predicate(request.user))
