"""Demo content for `make run`: localities, news, and 40+ exemplar stories with photos drawn by Pillow.

Idempotent: a second run finds everything by slug or name and adds nothing.
"""

import colorsys
import datetime
import io
import json

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from django.core.files.images import ImageFile
from django.db import transaction

from wagtail.images import get_image_model

from home.models import ArticlePage, NewsCategory, NewsIndexPage
from home.text import slugify_vi

from .loaders import DATA_DIR
from .models import ExemplarAward, ExemplarIndexPage, ExemplarKind, ExemplarPage, ExemplarPhoto, Locality, MovementPage

DEMO_FILE = DATA_DIR / "demo_exemplars.json"
LOCALITIES_FILE = DATA_DIR / "localities.json"


def load_localities():
    """The province and its commune-level units from `data/localities.json`, plus former districts with successors."""
    data = json.loads(LOCALITIES_FILE.read_text(encoding="utf-8"))
    province, _created = Locality.objects.get_or_create(
        name=data["province"]["name"], kind=data["province"]["kind"], parent=None
    )
    for item in data["current"]:
        Locality.objects.get_or_create(name=item["name"], kind=item["kind"], parent=province)
    for item in data["former"]:
        successor = Locality.objects.get(
            name=item["successor"]["name"], kind=item["successor"]["kind"], parent=province
        )
        Locality.objects.get_or_create(
            name=item["name"],
            kind=item["kind"],
            parent=province,
            defaults={"is_current": False, "successor": successor},
        )
    return Locality.objects.filter(parent=province, is_current=True).order_by("pk")


def demo_photo(title, seed, *, size=(1200, 800)):
    """A Wagtail image drawn locally: a soft gradient with the story's initials; no download."""
    width, height = size
    hue = (seed * 0.137) % 1.0
    top = tuple(int(c * 255) for c in colorsys.hls_to_rgb(hue, 0.35, 0.45))
    bottom = tuple(int(c * 255) for c in colorsys.hls_to_rgb((hue + 0.08) % 1.0, 0.6, 0.5))
    picture = PILImage.new("RGB", size, top)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        mix = y / height
        colour = tuple(int(top[i] * (1 - mix) + bottom[i] * mix) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    name = title.split("–")[0].split("(")[0]
    initials = "".join(word[0] for word in slugify_vi(name).split("-")[-2:]).upper() or "TN"
    try:
        font = ImageFont.load_default(size=280)
    except TypeError:  # Pillow older than 10.1 has no sized default font
        font = ImageFont.load_default()
    draw.text((width / 2, height / 2), initials, fill=(255, 255, 255), font=font, anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    image = get_image_model()(title=title)
    image.file = ImageFile(buffer, name=f"{slugify_vi(title)[:60] or 'anh'}.jpg")
    image.save()
    return image


def _exemplar_name(kind, movement_slug, number, data, locality):
    people = data["people"]
    if kind == ExemplarKind.INDIVIDUAL:
        person = people[number % len(people)]
        title = ("Ông " if " Văn " in person or " Minh " in person or " Quốc " in person else "Bà ") + person
        return f"{title} – {data['roles'][movement_slug]}"
    if kind == ExemplarKind.HOUSEHOLD:
        return f"Hộ gia đình {people[number % len(people)]} ở {locality.name}"
    if kind == ExemplarKind.COOPERATIVE:
        return f"{data['cooperatives'][number % len(data['cooperatives'])]} {locality.name}"
    if kind == ExemplarKind.COOPERATIVE_GROUP:
        return f"{data['cooperative_groups'][number % len(data['cooperative_groups'])]} {locality.name}"
    if kind == ExemplarKind.ANY:
        return f"{data['innovations'][number % len(data['innovations'])]} ({locality.name})"
    collective = data["collectives"][number % len(data["collectives"])]
    return f"{collective} {locality.name} – {data['roles'][movement_slug]}"


def _story(name, movement, locality):
    return [
        ("heading", "Hành trình vượt khó"),
        (
            "paragraph",
            f"<p>{name} là một trong những gương điển hình của phong trào “{movement.title}” tại {locality.name}. "
            "Bằng sự bền bỉ và tấm lòng vì cộng đồng, những việc làm tưởng nhỏ đã lan tỏa rộng khắp.</p>",
        ),
        ("quote", {"text": "Mỗi người tốt, việc tốt là một bông hoa đẹp.", "attribution": "Chủ tịch Hồ Chí Minh"}),
        (
            "paragraph",
            "<p>Cách làm được địa phương nhân rộng; nhiều hộ dân, tập thể đã học tập và làm theo.</p>",
        ),
    ]


def load_news(home, data):
    index = NewsIndexPage.objects.first()
    if index is None:
        index = NewsIndexPage(title="Tin tức", slug="tin-tuc", intro="Tin tức, thông báo", show_in_menus=True)
        home.add_child(instance=index)
        index.save_revision().publish()
    created = 0
    for number, item in enumerate(data["articles"]):
        if ArticlePage.objects.filter(slug=item["slug"]).exists():
            continue
        category, _new = NewsCategory.objects.get_or_create(
            name=item["category"], defaults={"slug": slugify_vi(item["category"])}
        )
        article = ArticlePage(
            title=item["title"],
            slug=item["slug"],
            intro=item["intro"],
            date=datetime.date.today() - datetime.timedelta(days=7 * number),
            lead_image=demo_photo(item["title"], 100 + number),
            movement=MovementPage.objects.filter(slug=item["movement"]).first() if item["movement"] else None,
            body=[("paragraph", f"<p>{item['intro']}</p>")],
        )
        article.categories = [category]
        index.add_child(instance=article)
        article.save_revision().publish()
        created += 1
    return created


@transaction.atomic
def load():
    """Bootstrap step (after the plan): localities, news and demo exemplars spread over movements, kinds and places."""
    from home.demo import ensure_site

    home = ensure_site()
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    localities = list(load_localities())
    library = ExemplarIndexPage.objects.first()
    if library is None:
        return "no exemplar library: run exemplar_pages.loaders.load_plan first"
    articles = load_news(home, data)
    movements = list(MovementPage.objects.filter(plan__isnull=False).order_by("path").prefetch_related("targets"))
    this_year = datetime.date.today().year
    created = number = 0
    for movement in movements:
        for target in movement.targets.all():
            for repeat in range(1 + number % 2):
                number += 1
                locality = localities[(number * 7) % len(localities)]
                kind = target.kind if target.kind != ExemplarKind.ANY else ExemplarKind.ANY
                title = _exemplar_name(kind, movement.slug, number + repeat, data, locality)
                slug = slugify_vi(f"{title}-{number}")[:80].strip("-")
                if ExemplarPage.objects.filter(slug=slug).exists():
                    continue
                page = ExemplarPage(
                    title=title,
                    slug=slug,
                    kind=kind,
                    movement=movement,
                    lead_agency=target.lead_agency,
                    locality=locality,
                    field=data["fields"][movement.slug],
                    year_recognised=2021 + number % max(1, min(5, this_year - 2020)),
                    summary=f"{title}: tấm gương tiêu biểu của phong trào “{movement.title}”.",
                    photo=demo_photo(title, number),
                    body=_story(title, movement, locality),
                    live=False,
                )
                page.awards = [
                    ExemplarAward(title=data["awards"][number % len(data["awards"])], year=2022 + number % 3)
                ]
                if number % 3 == 0:
                    page.gallery = [
                        ExemplarPhoto(image=demo_photo(f"{title} (ảnh {n})", number * 10 + n), caption=f"Ảnh {n}")
                        for n in (1, 2)
                    ]
                page.tags.add(data["tags"][number % len(data["tags"])])
                library.add_child(instance=page)
                revision = page.save_revision()
                # A few stay drafts: the progress bars must count only what is published.
                if number % 12 != 0:
                    revision.publish()
                created += 1
    return f"{created} exemplars, {articles} articles created"
