"""The contest's roles as Wagtail groups; their names are data, created by a migration."""

ORGANISERS = "Ban Tổ chức"
JURY = "Ban Giám khảo"
