"""Entries and their files are private: only the author's own link and organisers reach them."""

import pytest

from django.contrib.auth.models import Group
from django.urls import reverse

from contest.roles import ORGANISERS

from .fixtures_submission import *  # noqa: F403
from .fixtures_submission import make_entry, status_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]


@pytest.fixture
def two_entries(edition, locality):
    return make_entry(edition, locality, 1), make_entry(edition, locality, 2)


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("bientap", password="x" * 12)
    user.groups.add(Group.objects.get(name="Editors"), Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def organiser(django_user_model):
    user = django_user_model.objects.create_user("btc", password="x" * 12)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    return user


def admin_file_urls(entry):
    photo = entry.photos.first()
    return [
        reverse("contest_entries:inspect", args=[entry.pk]),
        reverse("contest_entry_photo", args=[entry.pk, photo.pk]),
        reverse("contest_entry_thumb", args=[entry.pk, photo.pk]),
        reverse("contest_entry_screen", args=[entry.pk]),
    ]


def test_author_link_opens_own_entry_and_photos(client, two_entries):
    (entry, token), _other = two_entries
    assert client.get(status_path(entry, token)).status_code == 200
    photo = entry.photos.first()
    response = client.get(status_path(entry, token, "entry_photo", photo.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert "no-store" in response["Cache-Control"]


def test_another_authors_token_cannot_reach_the_photo(client, two_entries):
    (entry, _token), (_other, other_token) = two_entries
    photo = entry.photos.first()
    assert client.get(status_path(entry, other_token, "entry_photo", photo.pk)).status_code == 404
    assert client.get(status_path(entry, other_token, "entry_thumbnail", photo.pk)).status_code == 404


def test_made_up_token_is_404(client, two_entries):
    (entry, token), _ = two_entries
    assert client.get(status_path(entry, "x" * 43)).status_code == 404
    assert client.get(status_path(entry, token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404


def test_token_of_another_edition_is_404(client, home_page, two_entries):
    from .fixtures_submission import make_edition

    (entry, token), _ = two_entries
    other_edition = make_edition(home_page, year=2027)
    url = other_edition.url + other_edition.reverse_subpage("entry_status", args=[token])
    assert client.get(url).status_code == 404


def test_anonymous_user_is_sent_to_login_from_admin_file_views(client, two_entries):
    (entry, _), _ = two_entries
    for url in admin_file_urls(entry):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_editor_cannot_reach_entries_or_their_files(client, editor, two_entries):
    (entry, _), _ = two_entries
    client.force_login(editor)
    for url in admin_file_urls(entry):
        assert client.get(url).status_code in (302, 403), url
    listing = client.get(reverse("contest_entries:list"))
    assert listing.status_code in (302, 403)
    assert entry.code not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_organiser_reaches_entries_and_files(client, organiser, two_entries):
    (entry, _), _ = two_entries
    client.force_login(organiser)
    for url in admin_file_urls(entry):
        assert client.get(url).status_code == 200, url


def test_private_files_are_not_under_media_root_nor_served(client, settings, two_entries):
    (entry, _), _ = two_entries
    photo = entry.photos.first()
    assert photo.image.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not photo.image.path.startswith(str(settings.MEDIA_ROOT))
    assert client.get(settings.MEDIA_URL + photo.image.name).status_code == 404


def test_entries_menu_only_for_organisers(client, organiser, editor):
    client.force_login(organiser)
    assert "/admin/contest/entries/" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(editor)
    assert "/admin/contest/entries/" not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/contest/entries/" not in client.get(reverse("wagtailsnippets:index")).content.decode()
