"""URLs of the second sign-in step, mounted under /admin/2fa/."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("thiet-lap/", views.setup, name="setup"),
    path("xac-minh/", views.verify, name="verify"),
    path("ma-du-phong/", views.backup_codes, name="backup_codes"),
]
