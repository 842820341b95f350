"""Organisers write the contest's pages and draft stories (an editor publishes them), with images and documents."""

from django.db import migrations

PAGE_PERMISSIONS = ["add_page", "change_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after every migration has run; these are needed now.
    for label in ("wagtailcore", "wagtailimages", "wagtaildocs"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    organisers = Group.objects.filter(name="Ban Tổ chức").first()
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    if organisers is None or root_page is None or root_collection is None:
        return
    for codename in PAGE_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label="wagtailcore", codename=codename).first()
        if permission:
            GroupPagePermission.objects.get_or_create(group=organisers, page=root_page, permission=permission)
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames):
            GroupCollectionPermission.objects.get_or_create(
                group=organisers, collection=root_collection, permission=permission
            )
            organisers.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("contest", "0006_merge_20261126_0458"),
        ("wagtailcore", "0094_alter_page_locale"),
        ("wagtailimages", "0001_initial"),
        ("wagtaildocs", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
