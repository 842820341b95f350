"""Text from authors, voters' searches and editors' rich text never turns into script on any page that shows it.

Each test puts the same hostile payloads into every field that reaches a page, fetches the page and parses the
HTML: no <script> element may carry the payload, no element may have an event-handler attribute or a
`javascript:` link, and the raw payload may not appear as markup. Editors' rich text goes in the way the admin's
editor saves it (its content state, converted by Wagtail), which escapes text and drops `javascript:` links.
"""

import json
import re
from html.parser import HTMLParser

import pytest

from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from contest.models import Verification
from contest.services import judging
from contest.services.awards import assign_award, record_verification, release_results
from contest.statuses import EntryStatus
from home.blocks import StoryBlock
from home.models import ArticlePage, NewsIndexPage
from tests.contest import builders, fixtures_submission, fixtures_voting
from tests.contest.fixtures_judging import make_judges, make_round
from tests.factories import ExemplarIndexPageFactory, ExemplarPageFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LINK = '<a href="javascript:alert(1)">bấm</a>'
BREAKOUT = "</script><script>alert(1)</script>"
PAYLOADS = (SCRIPT, IMG, LINK, BREAKOUT)
HOSTILE = " ".join(PAYLOADS)


class MarkupProbe(HTMLParser):
    """Collects what the browser would run: script contents, event-handler attributes, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._in_script = False
        self._script_type = ""

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name.lower() in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._in_script = True
            self._script_type = dict(attrs).get("type") or ""

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            if self._script_type == "application/ld+json":
                # Structured data may carry the text, but only as JSON strings (a breakout would end the element).
                json.loads(data)
            else:
                self.problems.append(f"script runs: {data[:80]!r}")


class MetaProbe(HTMLParser):
    """The Open Graph properties of a page, as a browser or a crawler reads them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("property"):
            self.meta[attrs["property"]] = attrs.get("content")


def assert_no_script(content, where, *, must_show=None):
    html = content.decode() if isinstance(content, bytes) else content
    assert "<script>alert(1)" not in html, where
    assert "<img src=x onerror" not in html, where
    probe = MarkupProbe()
    probe.feed(html)
    probe.close()
    assert probe.problems == [], where
    if must_show is not None:
        assert must_show in html, f"{where}: the text itself is missing"


def hostile_fields(**extra):
    return {
        "title": f"Tiêu đề {SCRIPT}{IMG}",
        "author_name": f"Tác giả {IMG}",
        "author_address": f"Địa chỉ {BREAKOUT}",
        "author_workplace": f"Nơi làm việc {LINK}",
        "subject_name": f"Nhân vật {SCRIPT}",
        "subject_address": f"Ấp 3 {IMG}",
        "subject_contact": f"Trưởng ấp {LINK}",
        **extra,
    }


def hostile_body(words=120):
    return fixtures_submission.text_of(words, seed="xss-") + "\n\n" + HOSTILE + "\n\nĐoạn kết an toàn."


# --- Contest: the author's private status page ----------------------------------------------------------------------


def test_status_page_via_the_private_token_escapes_every_field(client, home_page):
    fixtures_submission.cache.clear()
    edition = fixtures_submission.make_edition(home_page)
    locality = fixtures_submission.Locality.objects.create(name="Tân Ninh", kind="ward")
    entry, token = fixtures_submission.make_entry(edition, locality, body=hostile_body(), **hostile_fields())
    response = client.get(fixtures_submission.status_path(entry, token))
    assert response.status_code == 200
    assert_no_script(response.content, "status page", must_show="Đoạn kết an toàn.")


# --- Contest: the readers' vote -------------------------------------------------------------------------------------


def test_voting_gallery_and_entry_page_escape_author_text(client, home_page):
    edition = fixtures_voting.make_edition(home_page)
    fixtures_voting.VotingRules.objects.create(edition=edition, max_entries_per_voter=3)
    entry = fixtures_voting.make_entry(edition, 1)
    for name, value in hostile_fields().items():
        setattr(entry, name, value)
    entry.body = hostile_body()
    entry.save()
    photo = fixtures_voting.add_photo(entry)
    photo.caption = f"Chú thích {IMG}"
    photo.save()
    gallery = client.get("/cuoc-thi/2025/binh-chon/")
    assert gallery.status_code == 200
    assert_no_script(gallery.content, "voting gallery", must_show="Tiêu đề")
    page = client.get(f"/cuoc-thi/2025/binh-chon/{entry.pk}/")
    assert page.status_code == 200
    assert_no_script(page.content, "voting entry page", must_show="Đoạn kết an toàn.")


# --- Contest: results, the organisers' entry view, the judge's screen ----------------------------------------------


@pytest.fixture
def organiser():
    user = User.objects.create_user("btc-xss", password="mat-khau-dai-12", is_staff=True)
    user.groups.add(Group.objects.get(name="Ban Tổ chức"))
    return user


def test_results_page_escapes_the_winners_text(client, home_page, organiser, django_capture_on_commit_callbacks):
    edition = builders.make_edition(home_page)
    winner = builders.make_entry(edition, status=EntryStatus.FINALIST, **hostile_fields())
    record_verification(
        winner,
        user=organiser,
        locality=winner.subject_locality,
        letter_number="1/BTC",
        letter_date=timezone.localdate(),
        outcome=Verification.Outcome.CONFIRMED,
        answered_on=timezone.localdate(),
    )
    assign_award(winner, edition.prize_tiers.first(), user=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        release_results(edition, user=organiser)
    response = client.get("/cuoc-thi/2025/ket-qua/")
    assert response.status_code == 200
    assert_no_script(response.content, "results page", must_show="Tiêu đề")


def test_organisers_entry_view_escapes_every_field(client, home_page, admin_user):
    edition = builders.make_edition(home_page)
    entry = builders.make_entry(edition, body=hostile_body(), **hostile_fields())
    client.force_login(admin_user)
    for view in ("inspect", "history"):  # entries have no edit form: they change through services
        response = client.get(reverse(f"contest_entries:{view}", args=[entry.pk]))
        assert response.status_code == 200, view
        assert_no_script(response.content, f"admin entry {view}")
    listing = client.get(reverse("contest_entries:list"))
    assert listing.status_code == 200
    assert_no_script(listing.content, "admin entry list")


def test_judges_screen_escapes_the_entry_text(client, home_page):
    edition = builders.make_edition(home_page)
    entries = [builders.make_entry(edition, status=EntryStatus.ELIGIBLE, body=hostile_body(), **hostile_fields())]
    (judge,) = make_judges(1, prefix="gk-xss")
    round = make_round(edition, judges=[judge], entries=entries, reviews_required=1, state="open", is_blind=False)
    judging.assign_round(round, seed=1)
    client.force_login(judge)
    queue = client.get(reverse("contest_judging_queue", args=[round.pk]))
    assert queue.status_code == 200
    assert_no_script(queue.content, "judge queue")
    assignment = judging.Assignment.objects.get(judge=judge)
    sheet = client.get(reverse("contest_judging_sheet", args=[assignment.pk]))
    assert sheet.status_code == 200
    assert_no_script(sheet.content, "judge sheet", must_show="Đoạn kết an toàn.")


# --- Exemplar library and stories, news, search, feeds ------------------------------------------------------------


def rich(payload):
    """A story body as the admin's rich text editor saves it: the editor's content state converted by Wagtail."""
    paragraph = StoryBlock().child_blocks["paragraph"]
    text = f"Đoạn văn {payload}"
    state = {
        "blocks": [
            {
                "key": "a1",
                "type": "unstyled",
                "depth": 0,
                "text": text,
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 4, "key": 0}],
                "data": {},
            }
        ],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(1)"}}},
    }
    value = paragraph.value_from_datadict({"p": json.dumps(state)}, {}, "p")
    return json.dumps([{"type": "paragraph", "value": value.source}])


def test_exemplar_library_story_page_json_ld_and_open_graph(client, home_page):
    library = ExemplarIndexPageFactory(parent=home_page)
    story = ExemplarPageFactory(
        parent=library,
        title=f"Gương {BREAKOUT}{IMG}",
        summary=f"Tóm tắt {BREAKOUT} {IMG} {LINK}",
        field=f"Lĩnh vực {SCRIPT}",
        body=rich(HOSTILE),
    )
    listing = client.get(library.url)
    assert listing.status_code == 200
    assert_no_script(listing.content, "library", must_show="Gương")
    page = client.get(story.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert_no_script(html, "story page", must_show="&lt;script&gt;alert(1)")
    # Open Graph: the title is an attribute value, its quotes and brackets escaped (the parser reads it back whole).
    probe = MetaProbe()
    probe.feed(html)
    assert probe.meta["og:title"] == story.title
    assert probe.meta["og:description"].startswith("Tóm tắt </script>")
    # JSON-LD: one element whose whole content parses as JSON and carries the title as a string.
    (structured,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    assert json.loads(structured)["headline"] == story.title
    assert "</script>" not in structured


def test_news_article_escapes_editor_text(client, home_page):
    news = NewsIndexPage(title="Tin tức", slug="tin-tuc", intro=f"Giới thiệu {SCRIPT}")
    home_page.add_child(instance=news)
    article = ArticlePage(title=f"Tin {IMG}", slug="tin-1", intro=f"Mở đầu {BREAKOUT}", body=rich(HOSTILE))
    news.add_child(instance=article)
    for url, where in ((news.url, "news index"), (article.url, "news article")):
        response = client.get(url)
        assert response.status_code == 200
        assert_no_script(response.content, where)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_query_echo_is_escaped(client, home_page, payload):
    response = client.get("/tim-kiem/", {"q": payload})
    assert response.status_code == 200
    assert_no_script(response.content, "search")


@pytest.mark.parametrize("path", ["/rss.xml", "/atom.xml"])
def test_feeds_carry_hostile_text_only_as_escaped_text(client, home_page, path):
    library = ExemplarIndexPageFactory(parent=home_page)
    ExemplarPageFactory(parent=library, title=f"Gương {SCRIPT}", summary=f"Tóm tắt {IMG}", body=rich(HOSTILE))
    news = NewsIndexPage(title="Tin tức", slug="tin-tuc")
    home_page.add_child(instance=news)
    news.add_child(instance=ArticlePage(title=f"Tin {SCRIPT}", slug="tin-2", intro=f"Mở đầu {IMG}"))
    response = client.get(path)
    assert response.status_code == 200
    xml = response.content.decode()
    assert "<script>alert(1)" not in xml and "<img src=x" not in xml
    assert "Gương" in xml
