"""The contest's roles as Wagtail groups; their names are data, created by a migration."""

ORGANISERS = "Ban Tổ chức"
JURY = "Ban Giám khảo"


def ensure_groups(**_kwargs):
    """Create the groups with admin access if missing: after migrate, and after a test database flush."""
    from django.contrib.auth.models import Group, Permission

    access_admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    for name in (ORGANISERS, JURY):
        group, created = Group.objects.get_or_create(name=name)
        if created and access_admin:
            group.permissions.add(access_admin)
