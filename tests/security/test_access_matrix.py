"""Who can open what: every URL pattern of the site and the admin, and every page type, against every role.

The table below is the single place that says what each role gets from each URL. A URL pattern (or page type, or
routable sub-page) that has no row fails `test_every_url_has_a_row`, so a new view cannot be forgotten.

Roles: an anonymous visitor; the author of entry A holding A's private link ("author"); the author of entry B
holding B's link ("other_author", who tries A's files with it); an editor; the judge assigned to A in the round
("judge"); a judge of another round ("other_judge"); an organiser; a superuser. Paths are about entry A: `{token}`
is the token the role holds (none for signed-in roles: a made-up one), `{photo}` is A's first photo.
Besides the outcome, every 200 HTML page is searched for A's private data: the author's contact details reach only
A's author and organisers; A's title (the blind text's only handle) reaches judges of the round as well.

Outcomes: OK (200), LOGIN (redirect to a sign-in page), DENIED (Wagtail's "no permission": 403 or back to the
dashboard with a message), DASHBOARD (sent to the dashboard), NOT_FOUND (404), NOT_ALLOWED (405: wrong method),
SAFE (anything but a server error; for admin URLs whose sample object may not exist for that role).
"""

import re
from collections import Counter

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from wagtail.documents.models import Document
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
    Site,
    get_page_models,
)

pytestmark = [pytest.mark.django_db]

OK, LOGIN, DENIED, NOT_FOUND, NOT_ALLOWED, SAFE = "200", "login", "denied", "404", "405", "no-5xx"
DASHBOARD = "dashboard"  # a redirect to the admin's dashboard
VISITORS = ("anonymous", "author", "other_author")  # not signed in; the authors hold a private link
STAFF = ("editor", "judge", "other_judge", "organiser", "superuser")
ROLES = VISITORS + STAFF
ORGANISERS = "Ban Tổ chức"
# Who may read entry A's author's contact details, and who may read its (blind) text.
SEES_CONTACT = {"author", "organiser", "superuser"}
SEES_TITLE = SEES_CONTACT | {"judge"}


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome, *, anonymous=LOGIN):
    return {**dict.fromkeys(VISITORS, anonymous), **dict.fromkeys(STAFF, outcome)}


def only(allowed, *, outcome=OK, others=DENIED, anonymous=LOGIN):
    """`outcome` for the signed-in roles in `allowed`, `others` for the other staff, `anonymous` for visitors."""
    return {
        **dict.fromkeys(VISITORS, anonymous),
        **{role: outcome if role in allowed else others for role in STAFF},
    }


def superuser_only(*, anonymous=LOGIN):
    return only({"superuser"}, anonymous=anonymous)


def organisers_only(outcome=OK, *, anonymous=LOGIN):
    return only({"organiser", "superuser"}, outcome=outcome, anonymous=anonymous)


def token_route(author, other_author, *, visitor=NOT_FOUND):
    """A private-link route about entry A: `author` with A's token, `other_author` with B's, a made-up one else."""
    return {**dict.fromkeys(ROLES, visitor), "author": author, "other_author": other_author}


# --- Public routes: one explicit row each (path with sample values from the fixtures, outcome per role). ---------
PUBLIC_ROUTES = {
    "search": ("/tim-kiem/?q=nguoi+tot", everyone(OK)),
    "healthz": ("/healthz", everyone(OK)),
    # The vote confirmation link (outside the page tree); an edition that does not exist has nothing to confirm.
    "contest_vote_confirm": ("/xac-nhan-binh-chon/999999/?t=khong-hop-le", everyone(NOT_FOUND)),
    "sitemap": ("/sitemap.xml", everyone(OK)),
    "feed_rss": ("/rss.xml", everyone(OK)),
    "feed_atom": ("/atom.xml", everyone(OK)),
    "movement_feed_rss": ("/phong-trao/khong-co-phong-trao-nay/rss.xml", everyone(NOT_FOUND)),
    "movement_feed_atom": ("/phong-trao/khong-co-phong-trao-nay/atom.xml", everyone(NOT_FOUND)),
    "wagtailapi:pages:listing": ("/api/v2/pages/", everyone(OK)),
    "wagtailapi:pages:detail": ("/api/v2/pages/{home}/", everyone(OK)),
    "wagtailapi:pages:find": ("/api/v2/pages/find/?html_path=/", everyone("302")),
    "wagtailapi:images:listing": ("/api/v2/images/", everyone(OK)),
    "wagtailapi:images:detail": ("/api/v2/images/999999/", everyone(NOT_FOUND)),
    "wagtailapi:images:find": ("/api/v2/images/find/?id=999999", everyone(NOT_FOUND)),
    "wagtailapi:documents:listing": ("/api/v2/documents/", everyone(OK)),
    "wagtailapi:documents:detail": ("/api/v2/documents/{document}/", everyone(OK)),
    "wagtailapi:documents:find": ("/api/v2/documents/find/?id={document}", everyone("302")),
    "wagtaildocs_serve": ("/documents/{document}/{document_file}", everyone(OK)),
    "wagtaildocs_authenticate_with_password": ("/documents/authenticate_with_password/999999/", everyone(NOT_FOUND)),
    "wagtailcore_authenticate_with_password": ("/_util/authenticate_with_password/999999/{home}/", everyone(NOT_FOUND)),
    "wagtailcore_login": ("/_util/login/", everyone(OK)),
    "wagtail_serve": ("/khong-co-trang-nay/", everyone(NOT_FOUND)),
}

# --- Admin URLs with an explicit row; every other admin URL falls under ADMIN_RULE. -------------------------------
# The sample is a path, or the URL's keyword arguments for reverse() (values in braces come from the fixtures).
ADMIN_ROUTES = {
    "wagtailadmin_login": ("/admin/login/", signed_in(DASHBOARD, anonymous=OK)),
    "wagtailadmin_logout": ("/admin/logout/", signed_in(NOT_ALLOWED)),
    # What the sign-in page itself needs: the icon sprite and the translations of the admin's scripts.
    "wagtailadmin_sprite": ("/admin/sprite/", everyone(OK)),
    "wagtailadmin_javascript_catalog": ("/admin/jsi18n/", everyone(OK)),
    "wagtailadmin_password_reset": ("/admin/password_reset/", everyone(OK)),
    "wagtailadmin_password_reset_done": ("/admin/password_reset/done/", everyone(OK)),
    "wagtailadmin_password_reset_confirm": ({"uidb64": "MQ", "token": "abc-def"}, everyone(OK)),
    "wagtailadmin_password_reset_complete": ("/admin/password_reset/complete/", everyone(OK)),
    "wagtailadmin_home": ("/admin/", signed_in(OK)),
    # Wagtail's own page for trying out the admin's error screen: a deliberate 500, for signed-in staff only.
    "wagtailadmin_error_test": ("/admin/failwhale/", signed_in("500")),
    # Judges have no page, image or document permissions: the admin sends them back to the dashboard.
    "wagtailadmin_explore": ({"parent_page_id": "{home}"}, only({"editor", "organiser", "superuser"})),
    "wagtailadmin_pages:edit": ({"page_id": "{home}"}, only({"editor", "organiser", "superuser"})),
    "wagtailimages:index": ({}, only({"editor", "organiser", "superuser"})),
    "wagtaildocs:index": ({}, only({"editor", "organiser", "superuser"})),
    # A missing id is a 404 (Wagtail 8.0.1 answers a non-numeric id here with a 500: reported upstream-worthy).
    "wagtailimages_chooser:chosen": ({"pk": 999999}, signed_in(NOT_FOUND)),
    "wagtailsnippetchoosers_outbox_messagetemplate:chosen": ({"pk": 999999}, signed_in(NOT_FOUND)),
    # Entries are private: their chooser (used by other admin forms) is the organisers' alone.
    "wagtailsnippetchoosers_contest_entry:choose": ({}, organisers_only()),
    "wagtailsnippetchoosers_contest_entry:chosen": ({"pk": "{entry}"}, organisers_only()),
    "wagtaildocs_chooser:chosen": ({"pk": 999999}, signed_in(NOT_FOUND)),
    # Edition archives (issue 7): organisers only; the export is a POST (audited), so a GET is 405 for them.
    "contest_archive:index": ({}, organisers_only()),
    "contest_archive:export": ({"edition_id": "{edition}"}, organisers_only(NOT_ALLOWED)),
    "wagtailadmin_account": ({}, signed_in(OK)),
    "wagtailadmin_reports:site_history": ({}, signed_in(OK)),  # each sees only the history of what they may see
    "accounts:setup": ({}, signed_in(OK)),
    "accounts:verify": ({}, signed_in("302")),  # without a device: on to the setup page
    "accounts:backup_codes": ({}, signed_in(OK)),
    # Sensitive areas: people, permissions, sites, settings, workflows, redirects belong to the superuser.
    "wagtailusers_users:index": ({}, superuser_only()),
    "wagtailusers_users:add": ({}, superuser_only()),
    "wagtailusers_users:edit": ({"pk": "{editor_id}"}, superuser_only()),
    "wagtailusers_users:delete": ({"pk": "{editor_id}"}, superuser_only()),
    "wagtailusers_groups:index": ({}, superuser_only()),
    "wagtailusers_groups:add": ({}, superuser_only()),
    "wagtailusers_groups:edit": ({"pk": "{editors_group}"}, superuser_only()),
    "wagtailusers_groups:delete": ({"pk": "{editors_group}"}, superuser_only()),
    "wagtailsites:index": ({}, superuser_only()),
    "wagtailsites:add": ({}, superuser_only()),
    "wagtailsites:edit": ({"pk": "{site}"}, superuser_only()),
    "wagtailsettings:edit": ({"app_name": "home", "model_name": "sitesettings", "pk": "{site}"}, superuser_only()),
    "wagtailadmin_workflows:index": ({}, superuser_only()),
    "wagtailredirects:index": ({}, superuser_only()),
    # Entries in the admin and their private files (photos, the original attachment): organisers only.
    "contest_entries:list": ({}, organisers_only()),
    "contest_entries:inspect": ({"pk": "{entry}"}, organisers_only()),
    # Nobody edits an entry in a form: its changes go through the services (screening, publication).
    "contest_entries:edit": ({"pk": "{entry}"}, only(set())),
    "contest_entries:history": ({"pk": "{entry}"}, organisers_only()),
    "contest_entry_screen": ({"pk": "{entry}"}, organisers_only()),
    "contest_entry_photo": ({"pk": "{entry}", "photo_id": "{photo}"}, organisers_only()),
    "contest_entry_thumb": ({"pk": "{entry}", "photo_id": "{photo}"}, organisers_only()),
    "contest_entry_original": ({"pk": "{entry}"}, organisers_only()),
    # Judging: a judge reaches the rounds they sit on and their own assignments (queue, blind score sheet, the
    # entry's photos); the organisers run the rounds but never score in a judge's place.
    # The judging landing page lists the rounds the user sits on (none for an editor): nothing private.
    "contest_judging_home": ({}, signed_in(OK)),
    "contest_judging_queue": ({"round_id": "{round}"}, only({"judge", "superuser"})),
    "contest_judging_sheet": ({"assignment_id": "{assignment}"}, only({"judge", "superuser"})),
    "contest_judging_conflict": ({"assignment_id": "{assignment}"}, only({"judge", "superuser"})),
    "contest_judging_photo": (
        {"assignment_id": "{assignment}", "photo_id": "{photo}", "size": "full"},
        only({"judge", "superuser"}),
    ),
    "contest_judging_dashboard": ({"round_id": "{round}"}, organisers_only()),
    "contest_judging_assignments": ({"round_id": "{round}"}, organisers_only()),
    "contest_judging_ranking": ({"round_id": "{round}"}, organisers_only()),
    "contest_judging_history": ({"round_id": "{round}"}, organisers_only()),
    "contest_judging_minutes": ({"round_id": "{round}"}, organisers_only()),
    "contest_judging_results": ({"round_id": "{round}"}, organisers_only()),
    # A judge's own scores as a spreadsheet; organisers may export any judge's (see the probe below).
    "contest_judging_export_sheet": ({"round_id": "{round}"}, only({"judge", "organiser", "superuser"})),
    "contest_judging_conflicts": ({}, organisers_only()),
    "contest_judging_round_action": ({"round_id": "{round}"}, signed_in(NOT_ALLOWED)),  # POST only
    "contest_judging_anonymise": ({"round_id": "{round}", "entry_id": "{entry}"}, organisers_only()),
}
# Every other URL under /admin/: anonymous visitors are sent to sign in; signed-in roles never meet a server error.
ADMIN_PREFIX = "admin/"
ADMIN_RULE = signed_in(SAFE)

# --- Page types: the outcome for a live, public page of each type (the page-tree walk checks every page). --------
PAGE_TYPES = {
    "home.HomePage": everyone(OK),
    "home.StandardPage": everyone(OK),
    "home.NewsIndexPage": everyone(OK),
    "home.ArticlePage": everyone(OK),
    "exemplar_pages.PlanIndexPage": everyone(OK),
    "exemplar_pages.PlanPage": everyone(OK),
    "exemplar_pages.MovementIndexPage": everyone(OK),
    "exemplar_pages.MovementPage": everyone(OK),
    "exemplar_pages.ExemplarIndexPage": everyone(OK),
    "exemplar_pages.ExemplarPage": everyone(OK),
    "contest.ContestIndexPage": everyone(OK),
    "contest.ContestPage": everyone(OK),
}
# Sub-pages of routable pages ("app.Model:route_name": (path below the page, outcome per role)).
ROUTABLE_ROUTES = {
    "contest.ContestPage:index_route": ("", everyone(OK)),
    "contest.ContestPage:results": ("ket-qua/", everyone(OK)),
    # The sample edition has closed: the form page says so (200); a token nobody holds reaches nothing (404).
    "contest.ContestPage:submit": ("gui-bai/", everyone(OK)),
    # The sample edition has no voting window: the gallery says so; entries and photos not open to the vote are 404.
    "contest.ContestPage:voting_gallery": ("binh-chon/", everyone(OK)),
    "contest.ContestPage:voting_entry": ("binh-chon/{entry}/", everyone(NOT_FOUND)),
    "contest.ContestPage:voting_photo": ("binh-chon/{entry}/anh/{photo}/", everyone(NOT_FOUND)),
    "contest.ContestPage:voting_photo_large": ("binh-chon/{entry}/anh/{photo}/lon/", everyone(NOT_FOUND)),
    "contest.ContestPage:voting_confirm_code": ("binh-chon/ma/999999/", everyone(NOT_FOUND)),
    "contest.ContestPage:voting_confirm_link": ("binh-chon/xac-nhan/?t=khong-hop-le", everyone(OK)),
    "contest.ContestPage:thank_you": ("cam-on/", everyone("302")),
    # The private link: A's token opens A's pages; B's token opens B's own pages only (the private-data check
    # proves none of A's shows there) and none of A's photos; any other token reaches nothing.
    "contest.ContestPage:entry_status": ("bai-du-thi/{token}/", token_route(OK, OK)),
    "contest.ContestPage:entry_amend": ("bai-du-thi/{token}/sua/", token_route(OK, OK)),
    "contest.ContestPage:entry_withdraw": ("bai-du-thi/{token}/rut/", token_route(OK, OK)),
    "contest.ContestPage:entry_photo": ("bai-du-thi/{token}/anh/{photo}/", token_route(OK, NOT_FOUND)),
    "contest.ContestPage:entry_thumbnail": ("bai-du-thi/{token}/anh/{photo}/nho/", token_route(OK, NOT_FOUND)),
}
# Private files reached across entries: the same routes with another entry's ids (key: (path or URL kwargs, row)).
CROSS_ENTRY_PROBES = {
    # A's link with B's photo: a token opens its own entry's files only.
    "A's token, B's photo": ("route", "bai-du-thi/{token}/anh/{other_photo}/", token_route(NOT_FOUND, OK)),
    "A's token, B's thumbnail": ("route", "bai-du-thi/{token}/anh/{other_photo}/nho/", token_route(NOT_FOUND, OK)),
    # A judge's assignment to A does not open B's photos, nor the original attachment the judge never sees.
    "A's assignment, B's photo": (
        "contest_judging_photo",
        {"assignment_id": "{assignment}", "photo_id": "{other_photo}", "size": "thumb"},
        only({"superuser"}, others=DENIED, outcome=NOT_FOUND) | {"judge": NOT_FOUND},
    ),
    "another judge's scores as a spreadsheet": (
        "path",
        "/admin/contest/judging/round/{round}/sheet.xlsx?judge={judge_id}",
        only({"judge", "organiser", "superuser"}),
    ),
    "entry A's admin photo URL with B's photo": (
        "contest_entry_photo",
        {"pk": "{entry}", "photo_id": "{other_photo}"},
        signed_in(NOT_FOUND),  # the pair is looked up before the role: no such photo of A, for anyone
    ),
}
# Pages in a special state, whatever their type.
DRAFT_PAGE = everyone(NOT_FOUND)
PRIVATE_PAGE = signed_in(OK)


# --- Enumeration --------------------------------------------------------------------------------------------------
def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, key) for every URL pattern the resolver knows; key is the namespaced name, or the route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield route, (namespace + pattern.name) if pattern.name else route


def sample_path(route):
    """A concrete path for a route: sample values in place of converters and regex groups."""
    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<(?:slug|str|path):\w+>", "mau", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000000", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = path.replace(r"(\d+)", "1").replace("(.*)", "mau").replace(".*", "mau").replace("\\", "")
    return "/" + path


def routable_routes():
    for model in get_page_models():
        if hasattr(model, "get_subpage_urls"):
            for pattern in model.get_subpage_urls():
                yield f"{model._meta.label}:{pattern.name}"


# --- Fixtures: one user per role, a small page tree with a draft and a private page, a document, two entries -------
@pytest.fixture
def users():
    from contest.roles import JURY

    User = get_user_model()
    editors = Group.objects.get(name="Editors")
    organisers, created = Group.objects.get_or_create(name=ORGANISERS)
    if created:
        # Until the contest app's migration defines it: organisers moderate pages (publish) like Moderators.
        organisers.permissions.add(Permission.objects.get(codename="access_admin"))
        for permission in GroupPagePermission.objects.filter(group__name="Moderators"):
            GroupPagePermission.objects.get_or_create(
                group=organisers, page=permission.page, permission=permission.permission
            )
        for permission in GroupCollectionPermission.objects.filter(group__name="Moderators"):
            GroupCollectionPermission.objects.get_or_create(
                group=organisers, collection=permission.collection, permission=permission.permission
            )
    editor = User.objects.create_user("bientapvien", "bt@example.vn", "x")
    editor.groups.add(editors)
    judge = User.objects.create_user("giamkhao", "gk@example.vn", "x")
    other_judge = User.objects.create_user("giamkhaokhac", "gk2@example.vn", "x")
    for person in (judge, other_judge):
        person.groups.add(Group.objects.get(name=JURY))
    organiser = User.objects.create_user("bantochuc", "btc@example.vn", "x")
    organiser.groups.add(organisers)
    superuser = User.objects.create_superuser("quantri", "qt@example.vn", "x")
    return {
        **dict.fromkeys(VISITORS),
        "editor": editor,
        "judge": judge,
        "other_judge": other_judge,
        "organiser": organiser,
        "superuser": superuser,
    }


SECRET_CONTACT = ("tac-gia-bi-mat-a@example.vn", "Phạm Bímật Tácgiả")
SECRET_TITLE = "Nồi cháo tình thương của xóm Bímật"


def _submitted_entry(edition, n, **data):
    """An entry with two real photos and an original attachment, sent through the service while the edition was open."""
    import datetime

    from contest.photos import process_photo
    from contest.services.submission import submit_entry
    from exemplar_pages.models import Locality
    from tests.contest.fixtures_submission import entry_data, photo_upload

    locality = Locality.objects.get_or_create(name="Tân Ninh", kind=Locality.Kind.WARD, parent=None)[0]
    photos = [(process_photo(photo_upload(f"{n}-{i}.jpg"), max_bytes=5 * 1024 * 1024), "") for i in range(2)]
    return submit_entry(
        edition=edition,
        data=entry_data(edition, locality, n, **data),
        photos=photos,
        original=ContentFile(b"PK\x03\x04 ban goc", name="goc.docx"),
        original_extension="docx",
        now=edition.submissions_open + datetime.timedelta(days=1),
        notify_author=False,
    )


@pytest.fixture
def tree(home_page, users):
    """The page tree the walk visits. Each feature adds a live page of each of its page types here."""
    from contest.models.judging import RoundState
    from contest.services.judging import add_assignment, set_round_state
    from home.models import ArticlePage, NewsIndexPage, StandardPage
    from tests.contest.builders import make_edition
    from tests.contest.fixtures_judging import make_round
    from tests.factories import (
        ExemplarIndexPageFactory,
        ExemplarPageFactory,
        MovementIndexPageFactory,
        MovementPageFactory,
        PlanIndexPageFactory,
        PlanPageFactory,
    )

    about = home_page.add_child(instance=StandardPage(title="Giới thiệu", slug="gioi-thieu"))
    plan = PlanPageFactory(parent=PlanIndexPageFactory(parent=home_page))
    MovementPageFactory(parent=MovementIndexPageFactory(parent=home_page), plan=plan)
    ExemplarPageFactory(parent=ExemplarIndexPageFactory(parent=home_page))
    news = home_page.add_child(instance=NewsIndexPage(title="Tin tức", slug="tin-tuc"))
    news.add_child(instance=ArticlePage(title="Thông báo", slug="thong-bao"))
    edition = make_edition(home_page)
    entry, token = _submitted_entry(
        edition, 1, author_email=SECRET_CONTACT[0], author_name=SECRET_CONTACT[1], title=SECRET_TITLE
    )
    other_entry, other_token = _submitted_entry(edition, 2)
    # The judge of the round is assigned entry A; the other judge sits on another round, with entry B.
    round = make_round(edition, judges=[users["judge"]], entries=[entry, other_entry])
    other_round = make_round(edition, judges=[users["other_judge"]], entries=[other_entry], order=2)
    assignment = add_assignment(round, judge=users["judge"], entry=entry)
    add_assignment(other_round, judge=users["other_judge"], entry=other_entry)
    for each in (round, other_round):
        set_round_state(each, RoundState.OPEN)
    draft = home_page.add_child(instance=StandardPage(title="Bản nháp", slug="ban-nhap", live=False))
    private = home_page.add_child(instance=StandardPage(title="Nội bộ", slug="noi-bo"))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return {
        "home": home_page,
        "about": about,
        "draft": draft,
        "private": private,
        "edition": edition,
        "entry": entry,
        "token": token,
        "other_entry": other_entry,
        "other_token": other_token,
        "round": round,
        "assignment": assignment,
    }


@pytest.fixture
def samples(tree, users):
    document = Document.objects.create(title="Kế hoạch", file=ContentFile(b"Ke hoach 310", name="ke-hoach.txt"))
    return {
        "home": tree["home"].pk,
        "document": document.pk,
        "document_file": document.filename,
        "site": Site.objects.get(is_default_site=True).pk,
        "editor_id": users["editor"].pk,
        "editors_group": Group.objects.get(name="Editors").pk,
        "entry": tree["entry"].pk,
        "edition": tree["edition"].pk,
        "photo": tree["entry"].photos.order_by("sort_order").first().pk,
        "other_photo": tree["other_entry"].photos.order_by("sort_order").first().pk,
        "round": tree["round"].pk,
        "assignment": tree["assignment"].pk,
        "judge_id": users["judge"].pk,
    }


def tokens(tree):
    """The private link each role holds: A's for its author, B's for the other author, a made-up one otherwise."""
    return {**dict.fromkeys(ROLES, "khong-phai-ma-that"), "author": tree["token"], "other_author": tree["other_token"]}


def client_for(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def outcome_of(response):
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        if location.startswith(("/admin/login/", "/_util/login/")):
            return LOGIN
        if location == "/admin/":
            return DASHBOARD
        return "302"
    if status == 403:
        return DENIED
    return str(status)


def matches(expected, actual):
    if expected == SAFE:
        return not actual.startswith("5")
    if expected == DENIED:
        # Wagtail refuses with a 403, or by sending the user back to the dashboard with a message.
        return actual in (DENIED, DASHBOARD)
    return expected == actual


def all_rows():
    return {**PUBLIC_ROUTES, **ADMIN_ROUTES}


def row_path(key, sample, values):
    if isinstance(sample, dict):
        return reverse(key, kwargs={name: str(value).format(**values) for name, value in sample.items()})
    return sample.format(**values)


# --- The tests ----------------------------------------------------------------------------------------------------
def test_every_url_has_a_row():
    rows = all_rows()
    missing = [key for route, key in url_patterns() if key not in rows and not route.startswith(ADMIN_PREFIX)]
    assert not missing, f"New URL without a row in the access matrix: {missing}"
    unknown = set(rows) - {key for _, key in url_patterns()}
    assert not unknown, f"Rows for URLs that no longer exist: {unknown}"
    models = {model._meta.label for model in get_page_models()} - {"wagtailcore.Page"}
    assert not models - set(PAGE_TYPES), f"Page type without a row: {models - set(PAGE_TYPES)}"
    routes = set(routable_routes())
    assert not routes - set(ROUTABLE_ROUTES), f"Routable sub-page without a row: {routes - set(ROUTABLE_ROUTES)}"


def test_sample_paths_reach_their_own_pattern():
    rows = all_rows()
    for route, key in url_patterns():
        if key in rows or key == "wagtail_serve":
            continue
        match = resolve(sample_path(route).split("?")[0])
        reached = match.route.replace("^", "") == route.replace("^", "") or match.view_name == key
        assert reached, (route, sample_path(route), match.route)


def leaked(role, response):
    """Entry A's private data a role may not read, if this response shows it."""
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    content = response.content.decode()
    secrets = [] if role in SEES_CONTACT else list(SECRET_CONTACT)
    if role not in SEES_TITLE:
        secrets.append(SECRET_TITLE)
    return [secret for secret in secrets if secret in content]


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, users, samples, tree, capsys):
    client = client_for(users[role])
    values = {**samples, "token": tokens(tree)[role]}
    checked, failures = Counter(), []

    def check(key, path, expected):
        response = client.get(path)
        actual = outcome_of(response)
        checked[key.split(":")[0]] += 1
        if not matches(expected, actual):
            failures.append(f"{key} {path} as {role}: expected {expected}, got {actual}")
        if leaks := leaked(role, response):
            failures.append(f"{key} {path} as {role}: shows entry A's private data {leaks}")
        if users[role] is not None and "_auth_user_id" not in client.session:
            client.force_login(users[role])

    for key, (sample, expected) in all_rows().items():
        check(key, row_path(key, sample, values), expected[role])
    for route, key in url_patterns():
        if route.startswith(ADMIN_PREFIX) and key not in ADMIN_ROUTES:
            check(key, sample_path(route), ADMIN_RULE[role])
    for page in Page.objects.exclude(depth=1).specific():
        if page.url is None:
            continue  # outside every site (Wagtail's initial welcome page): no URL reaches it
        if page.pk == tree["draft"].pk:
            expected = DRAFT_PAGE[role]
        elif page.pk == tree["private"].pk:
            expected = PRIVATE_PAGE[role]
        else:
            expected = PAGE_TYPES[page._meta.label][role]
        check(f"page:{page._meta.label}", page.url, expected)
        if page.pk != tree["draft"].pk and hasattr(page, "get_subpage_urls"):
            for pattern in page.get_subpage_urls():
                key = f"{page._meta.label}:{pattern.name}"
                if key in ROUTABLE_ROUTES:
                    sub_path, outcomes = ROUTABLE_ROUTES[key]
                    check(f"route:{key}", page.url + sub_path.format(**values), outcomes[role])
    for label, (key, sample, outcomes) in CROSS_ENTRY_PROBES.items():
        if key == "route":
            path = tree["edition"].url + sample.format(**values)
        elif key == "path":
            path = sample.format(**values)
        else:
            path = row_path(key, sample, values)
        check(f"probe:{label}", path, outcomes[role])

    with capsys.disabled():
        print(f"\naccess matrix, role {role}: {sum(checked.values())} (URL, role) pairs checked")  # noqa: T201
    assert not failures, "\n".join(failures)
    assert sum(checked.values()) > 200


def test_the_matrix_covers_every_role_and_counts_its_pairs(users, samples, tree):
    """Every row names an outcome for every role; the total number of (URL, role) pairs is known before running."""
    rows = [*all_rows().values(), *ROUTABLE_ROUTES.values(), *[row[1:] for row in CROSS_ENTRY_PROBES.values()]]
    for _sample, outcomes in rows:
        assert set(outcomes) == set(ROLES), outcomes
    for outcomes in (*PAGE_TYPES.values(), DRAFT_PAGE, PRIVATE_PAGE, ADMIN_RULE):
        assert set(outcomes) == set(ROLES), outcomes
    # The private-data check is not vacuous: the pages entitled roles open do show what others must not see.
    edition, values = tree["edition"], {**samples, "token": tree["token"]}
    author_page = Client().get(edition.url + "bai-du-thi/{token}/".format(**values)).content.decode()
    assert SECRET_TITLE in author_page and SECRET_CONTACT[1] in author_page
    inspect = client_for(users["organiser"]).get(reverse("contest_entries:inspect", args=[tree["entry"].pk]))
    assert SECRET_CONTACT[0] in inspect.content.decode()
    sheet = client_for(users["judge"]).get(reverse("contest_judging_sheet", args=[tree["assignment"].pk]))
    assert SECRET_TITLE in sheet.content.decode()


@pytest.mark.parametrize("role", ["editor", "judge", "organiser", "superuser"])
def test_with_two_factor_required_no_admin_url_opens_on_a_password_alone(role, users, samples, settings, capsys):
    """Staff who typed only their password reach nothing under /admin/ but signing in and out and the 2FA pages."""
    settings.STAFF_2FA_REQUIRED = True
    client = client_for(users[role])
    open_names = {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
    }
    leaks, checked = [], 0
    for route, key in url_patterns():
        if not route.startswith(ADMIN_PREFIX) or key in open_names or key.startswith("accounts:"):
            continue
        sample = ADMIN_ROUTES[key][0] if key in ADMIN_ROUTES else sample_path(route)
        response = client.get(row_path(key, sample, samples))
        checked += 1
        if not (response.status_code == 302 and response["Location"].startswith("/admin/2fa/")):
            leaks.append(f"{key}: {response.status_code} {response.get('Location', '')}")
    with capsys.disabled():
        print(f"\ntwo-factor gate, role {role}: {checked} admin URLs checked")  # noqa: T201
    assert not leaks, leaks
    assert checked > 150
