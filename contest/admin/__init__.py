"""The contest's admin screens, one module per area (entries, judging, voting, awards); wagtail_hooks loads them all.

Each module registers its viewsets with `register_admin_viewset` and its menu items with the
`register_contest_menu_item` hook, so every area lands in the one "Cuộc thi" menu without editing the others.
"""
