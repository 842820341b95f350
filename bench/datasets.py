"""Builds the benchmark database at a given scale and returns the URLs each scenario reads.

Run inside Django (bench/run.py calls `python bench/datasets.py SCALE` with the bench settings). Each area adds a
builder to BUILDERS; a builder takes the scale's numbers and returns {scenario name: path}.
"""

import json
import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")

SCALES = {
    "tiny": {"exemplars": 10, "entries": 20, "judges": 3, "vote_requests": 400},
    "small": {"exemplars": 100, "entries": 500, "judges": 7, "vote_requests": 12_000},
    "large": {"exemplars": 10_000, "entries": 5_000, "judges": 7, "vote_requests": 12_000},
}
# Keys of a builder's answer that start with "_" are data for the load generator, not scenarios.
VOTE_TOKEN = "bench-vote-{}"


def build_home(numbers):
    from home.demo import ensure_site

    ensure_site()
    return {"home": "/"}


def _bulk_pages(parent, prototype, count, make):
    """Insert `count` live copies of `prototype` under `parent` in a few statements instead of one page at a time.

    Wagtail pages are multi-table models (Page + the specific table) in a treebeard path tree, which Django's
    bulk_create cannot write; the paths, depth and url_path are computed here as treebeard would, the two tables
    are written with bulk inserts, and the parent's numchild is fixed at the end. `make(page, number)` sets the
    fields that differ from the prototype. Search indexing is done by the caller in bulk.
    """
    from wagtail.models import Page

    model = type(prototype)
    last = parent.get_last_child()
    first_step = int(last.path[-model.steplen :], 36) + 1 if last else 1
    base_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    local_fields = list(model._meta.local_concrete_fields)
    created = []
    batch = 500
    for start in range(0, count, batch):
        pages = []
        for number in range(start, min(count, start + batch)):
            page = model(**{f.attname: getattr(prototype, f.attname) for f in base_fields + local_fields})
            page.pk = page.id = page.page_ptr_id = None
            page.path = model._get_path(parent.path, parent.depth + 1, first_step + number)
            page.depth = parent.depth + 1
            page.numchild = 0
            page.translation_key = uuid.uuid4()
            page.latest_revision_id = None
            page.live_revision_id = None
            make(page, number)
            page.draft_title = page.title
            page.url_path = f"{parent.url_path}{page.slug}/"
            pages.append(page)
        bases = [Page(**{f.attname: getattr(page, f.attname) for f in base_fields}) for page in pages]
        Page.objects.bulk_create(bases)
        if bases[0].pk is None:  # databases without RETURNING on bulk insert
            ids = dict(Page.objects.filter(path__in=[b.path for b in bases]).values_list("path", "pk"))
            for base in bases:
                base.pk = ids[base.path]
        for page, base in zip(pages, bases, strict=True):
            page.pk = page.id = page.page_ptr_id = base.pk
        model._base_manager._insert(pages, fields=local_fields, raw=True)
        created.extend(pages)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.get_children().count())
    return created


def build_exemplars(numbers):
    """The plan's movements, then `exemplars` published stories spread over movements, kinds, places and years."""
    import datetime

    from django.utils import timezone

    from wagtail.search.backends import get_search_backend

    from exemplar_pages.demo import _story, demo_photo, load_localities
    from exemplar_pages.loaders import load_plan
    from exemplar_pages.models import (
        ExemplarAward,
        ExemplarIndexPage,
        ExemplarKind,
        ExemplarPage,
        ExemplarTag,
        MovementPage,
    )

    load_plan()
    localities = list(load_localities())
    library = ExemplarIndexPage.objects.get()
    movements = list(MovementPage.objects.filter(plan__isnull=False).order_by("path"))
    photos = [demo_photo(f"Ảnh minh họa {n}", n, size=(800, 533)) for n in range(1, 9)]
    kinds = [kind for kind, _label in ExemplarKind.choices]
    tags = ["nông dân", "khuyết tật vượt khó", "thanh niên", "cựu chiến binh", "phụ nữ", "hiến đất làm đường"]

    def fill(page, number):
        movement = movements[number % len(movements)]
        locality = localities[(number * 7) % len(localities)]
        page.title = f"Gương điển hình số {number + 1} – người tốt việc tốt ở {locality.name}"
        page.slug = f"guong-dien-hinh-{number + 1}"
        page.kind = kinds[number % len(kinds)]
        page.movement_id = movement.pk
        page.locality_id = locality.pk
        page.year_recognised = 2021 + number % 5
        page.summary = f"{page.title}: tấm gương tiêu biểu của phong trào “{movement.title}”."
        page.photo_id = photos[number % len(photos)].pk
        page.first_published_at = page.last_published_at = now - datetime.timedelta(hours=number)
        page.latest_revision_created_at = page.first_published_at

    now = timezone.now()
    movement, locality = movements[0], localities[0]
    prototype = ExemplarPage(
        title="Gương điển hình số 0",
        slug="guong-dien-hinh-0",
        kind=kinds[0],
        movement=movement,
        locality=locality,
        field="Nông nghiệp",
        year_recognised=2021,
        summary="Tấm gương tiêu biểu.",
        photo=photos[0],
        body=_story("Gương điển hình số 0", movement, locality),
    )
    prototype.awards = [ExemplarAward(title="Bằng khen của Chủ tịch UBND tỉnh", year=2023)]
    prototype.tags.add(tags[0])
    library.add_child(instance=prototype)
    prototype.save_revision().publish()
    prototype = ExemplarPage.objects.get(pk=prototype.pk)

    pages = _bulk_pages(library, prototype, numbers["exemplars"] - 1, fill)
    ExemplarAward.objects.bulk_create(
        ExemplarAward(exemplar_id=page.pk, title="Bằng khen của Chủ tịch UBND tỉnh", year=2022 + n % 3, sort_order=0)
        for n, page in enumerate(pages)
    )
    from taggit.models import Tag

    tag_objects = [Tag.objects.get_or_create(name=name, defaults={"slug": slugify_tag(name)})[0] for name in tags]
    ExemplarTag.objects.bulk_create(
        ExemplarTag(content_object_id=page.pk, tag=tag_objects[n % len(tag_objects)]) for n, page in enumerate(pages)
    )
    # One bulk pass over the search index (the database backend's IndexEntry rows), as `update_index` would do.
    search_index = get_search_backend().get_index_for_model(ExemplarPage)
    queryset = ExemplarPage.objects.filter(pk__in=[p.pk for p in pages] + [prototype.pk]).select_related("locality")
    queryset = queryset.prefetch_related("tags")
    chunk = 1000
    ids = list(queryset.values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), chunk):
        search_index.add_items(ExemplarPage, list(queryset.filter(pk__in=ids[start : start + chunk])))

    busy = movements[0]
    some = pages[len(pages) // 2] if pages else prototype
    library_url = library.url
    return {
        "exemplar": f"{library_url}{some.slug}/",
        "library": f"{library_url}?phong-trao={busy.slug}&loai={kinds[0]}&sap-xep=ten",
        "movement": busy.url,
        "search": "/tim-kiem/?q=nguoi+tot",
    }


def slugify_tag(name):
    from home.text import slugify_vi

    return slugify_vi(name)


def build_contest(numbers):
    """An edition inside its voting window with rules, `entries` submitted entries and 30 candidates in the gallery."""
    import hashlib

    from contest.demo_voting import _edition, _open_window
    from contest.models import ContestPage, Entry, ReceiptCounter, VotingCandidate, VotingRules
    from contest.statuses import EntryStatus
    from exemplar_pages.models import Locality
    from home.demo import ensure_site

    edition = _edition(ensure_site())
    _open_window(edition)
    edition = ContestPage.objects.get(pk=edition.pk)
    VotingRules.objects.get_or_create(
        edition=edition, defaults={"max_entries_per_voter": 3, "counts_visibility": "live", "session_minutes": 60}
    )
    genre = edition.genres.first()
    localities = list(Locality.objects.filter(is_current=True)[:50])
    body = "Câu chuyện về những việc làm tốt, lặng lẽ mà bền bỉ, được bà con kể lại. " * 60
    finalists = 30
    entries = [
        Entry(
            edition=edition,
            receipt_number=n,
            code=f"{edition.code_prefix}-{n:05d}",
            status=EntryStatus.FINALIST if n <= finalists else EntryStatus.SUBMITTED,
            author_name=f"Tác giả {n}",
            author_birth_year=1960 + n % 40,
            author_phone="0900000000",
            author_email=f"tacgia{n}@example.vn",
            author_address="Tây Ninh",
            subject_kind="individual",
            subject_name=f"Nhân vật {n}",
            subject_locality=localities[n % len(localities)],
            subject_address="Tây Ninh",
            subject_contact="Ban Tổ chức, 0276 3822 000",
            title=f"Người tốt quanh ta, bài số {n}",
            genre=genre,
            body=body,
            word_count=len(body.split()),
            text_hash=hashlib.sha256(f"{body}{n}".encode()).hexdigest(),
            access_token_hash=hashlib.sha256(f"bench-{edition.pk}-{n}".encode()).hexdigest(),
            declares_own_work=True,
            declares_unpublished=True,
            consents_to_publication=True,
            consents_to_data_processing=True,
        )
        for n in range(1, numbers["entries"] + 1)
    ]
    Entry.objects.bulk_create(entries, batch_size=500)
    ReceiptCounter.objects.update_or_create(edition=edition, defaults={"last_number": numbers["entries"]})
    chosen = Entry.objects.filter(edition=edition, receipt_number__lte=finalists).order_by("receipt_number")
    VotingCandidate.objects.bulk_create(
        VotingCandidate(edition=edition, entry=entry, sort_order=n) for n, entry in enumerate(chosen)
    )
    return {"edition": edition.url, "voting_gallery": f"{edition.url}binh-chon/"}


def build_votes(numbers):
    """Pending vote requests, one per distinct voter, whose one-time links the vote scenario confirms.

    Token n is VOTE_TOKEN.format(n): the load generator knows them without reading the database. The requests are
    spread over the gallery's candidates; each voter has one, so the edition's per-voter limit never refuses one.
    """
    import datetime

    from django.utils import timezone

    from contest.models import ContestPage, Voter, VoteRequest, VotingCandidate
    from contest.services.voting import keyed_hash

    edition = ContestPage.objects.filter(voting_open__isnull=False).order_by("-year", "-pk").first()
    entries = list(VotingCandidate.objects.filter(edition=edition).values_list("entry_id", flat=True))
    count = numbers["vote_requests"]
    expires = timezone.now() + datetime.timedelta(days=2)
    batch = 2000
    for start in range(0, count, batch):
        numbers_here = range(start, min(count, start + batch))
        voters = Voter.objects.bulk_create(
            Voter(
                edition=edition,
                email=f"docgia{n}@example.vn",
                email_hash=keyed_hash("email", f"docgia{n}@example.vn"),
                email_domain="example.vn",
            )
            for n in numbers_here
        )
        if voters[0].pk is None:  # databases without RETURNING on bulk insert
            ids = dict(
                Voter.objects.filter(edition=edition, email__in=[v.email for v in voters]).values_list("email", "pk")
            )
            for voter in voters:
                voter.pk = ids[voter.email]
        VoteRequest.objects.bulk_create(
            VoteRequest(
                edition=edition,
                voter=voter,
                entry_id=entries[n % len(entries)],
                public_id=f"bench{n}",
                token_hash=keyed_hash("token", VOTE_TOKEN.format(n)),
                code_hash=keyed_hash("code", f"bench{n}:000000"),
                expires_at=expires,
                ip_hash=keyed_hash("ip", "127.0.0.1"),
                user_agent_hash=keyed_hash("user_agent", "bench"),
            )
            for n, voter in zip(numbers_here, voters, strict=True)
        )
    return {"vote": f"/xac-nhan-binh-chon/{edition.pk}/", "_vote_tokens": count}


def build_submission(numbers):
    """A past year's edition reopened for entries (five photos, 10 MB each): its form is the submission scenario."""
    import datetime

    from django.utils import timezone

    from contest.demo import ensure_edition, ensure_index

    now = timezone.now()
    edition = ensure_edition(
        ensure_index(),
        year=2024,  # older than the voting edition: the home page keeps showing that one
        opens=now - datetime.timedelta(days=1),
        closes=now + datetime.timedelta(days=30),
        judging=(None, None),
        voting=(None, None),
        results=None,
    )
    return {"submission": f"{edition.url}gui-bai/"}


BUILDERS = [build_home, build_exemplars, build_contest, build_votes, build_submission]


def migrate(template):
    """Migrate the empty database; on SQLite start from `template`, a migrated copy kept from an earlier run.

    Migrating from nothing takes half a minute on a busy machine, most of a tiny run; run.py names the template
    after a hash of every migration and of uv.lock, so a changed schema never reuses a stale copy.
    """
    import shutil

    from django.core.management import call_command
    from django.db import connection

    sqlite = connection.vendor == "sqlite" and bool(template)
    if sqlite and Path(template).exists():
        shutil.copyfile(template, connection.settings_dict["NAME"])  # before the first connection opens the file
    call_command("migrate", verbosity=0, interactive=False)
    if sqlite and not Path(template).exists():
        partial = f"{template}.{os.getpid()}"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [partial])
        os.replace(partial, template)  # atomic: a concurrent run sees the whole file or none


def build(scale):
    import django

    django.setup()
    migrate(os.environ.get("BENCH_SQLITE_TEMPLATE", ""))
    numbers = SCALES[scale]
    paths = {}
    for builder in BUILDERS:
        paths.update(builder(numbers))
    return paths


def check_votes():
    """The seeded vote requests that have a vote, and whether any voter has more than one (there must be none)."""
    import django

    django.setup()
    from django.db.models import Count

    from contest.models import Vote

    seeded = Vote.objects.filter(request__public_id__startswith="bench")
    voted = [int(public_id[5:]) for public_id in seeded.values_list("request__public_id", flat=True)]
    per_voter = Vote.objects.values("voter").annotate(n=Count("pk"))
    return {
        "voted": voted,
        "votes": Vote.objects.count(),
        "voters_with_votes": per_voter.count(),
    }


if __name__ == "__main__":
    if sys.argv[1] == "check-votes":
        print(json.dumps(check_votes()))
    else:
        print(json.dumps(build(sys.argv[1])))
