"""Publication: an awarded or finalist entry becomes a draft exemplar story that editors approve and publish."""

import os

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from wagtail.images import get_image_model
from wagtail.log_actions import log

from exemplar_pages.models import (
    ExemplarAward,
    ExemplarIndexPage,
    ExemplarKind,
    ExemplarPage,
    ExemplarPhoto,
    MovementPage,
)
from outbox.services import messages_about, queue_message

from .. import messages
from ..models import Award, Entry
from ..statuses import EntryStatus

PUBLISHED_AS_STORY = "contest.entry.published_as_story"

# The movement under whose steering committee the contest runs: the story counts toward it unless the entry names one.
DEFAULT_MOVEMENT_SLUG = "doi-song-van-hoa"

PUBLISHABLE = {EntryStatus.AWARDED, EntryStatus.FINALIST}


class PublicationRefused(Exception):
    """An entry cannot become a story; the message says why, in Vietnamese, for the organiser."""


def story_for_entry(entry):
    """The exemplar page made from `entry` (draft or live), or None."""
    return ExemplarPage.objects.filter(source_entry_id=entry.pk).first()


def _paragraphs(text):
    """The entry's plain text as rich-text paragraphs: blank lines separate paragraphs, single newlines break lines."""
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [escape(line.strip()) for line in chunk.split("\n") if line.strip()]
        if lines:
            blocks.append(("paragraph", "<p>" + "<br/>".join(lines) + "</p>"))
    return blocks


def _copy_photos(entry, credit):
    """Copy the entry's private photos (already re-encoded without EXIF) into Wagtail's image library."""
    image_model = get_image_model()
    images = []
    for position, photo in enumerate(entry.photos.order_by("sort_order", "pk"), start=1):
        with photo.image.open("rb") as source:
            data = source.read()
        name = f"{entry.code.lower()}-{position}{os.path.splitext(photo.image.name)[1] or '.jpg'}"
        title = photo.caption or _("%(title)s, photo %(n)s") % {"title": entry.title, "n": position}
        image = image_model(title=f"{title} ({_('Photo')}: {credit})"[:255], file=ContentFile(data, name=name))
        image._set_image_file_metadata()
        image.save()
        images.append((image, photo.caption))
    return images


def publish_entry_as_story(entry, *, user):
    """Create a draft exemplar story from `entry` and submit it to the moderation workflow.

    Refuses (PublicationRefused) without the author's consent, for an entry neither awarded nor a finalist, when
    the exemplar library does not exist, or when a story was already made from the entry. Side effects: images in
    the library, the draft page with its revision, a workflow state awaiting a moderator, one audit-log entry
    `contest.entry.published_as_story`. The author is told when the page goes live (`notify_story_published`).
    """
    with transaction.atomic():
        entry = (
            Entry.objects.select_for_update(of=("self",))
            .select_related("edition", "subject_locality", "movement")
            .get(pk=entry.pk)
        )
        if not entry.consents_to_publication:
            raise PublicationRefused(
                _("The author of entry %(code)s has not agreed to publication; it cannot become a story.")
                % {"code": entry.code}
            )
        if entry.status not in PUBLISHABLE:
            raise PublicationRefused(
                _("Entry %(code)s is %(status)s; only awarded or finalist entries become stories.")
                % {"code": entry.code, "status": EntryStatus(entry.status).label}
            )
        existing = story_for_entry(entry)
        if existing is not None:
            raise PublicationRefused(
                _("Entry %(code)s has already been made into the story “%(title)s”.")
                % {"code": entry.code, "title": existing.title}
            )
        library = ExemplarIndexPage.objects.first()
        if library is None:
            raise PublicationRefused(_("Create the exemplar library page first."))

        edition = entry.edition
        award = Award.objects.select_related("tier").filter(entry=entry).first()
        released_award = award if award is not None and award.released_at else None
        movement = entry.movement or MovementPage.objects.filter(slug=DEFAULT_MOVEMENT_SLUG).first()
        authors = entry.author_name + (f", {entry.co_authors}" if entry.co_authors else "")
        edition_link = f'<a linktype="page" id="{edition.pk}">{escape(edition.title)}</a>'
        if released_award:
            byline = _("By %(authors)s. An entry awarded %(prize)s in the contest %(edition)s.") % {
                "authors": escape(authors),
                "prize": escape(released_award.tier.name),
                "edition": edition_link,
            }
        else:
            byline = _("By %(authors)s. A finalist entry of the contest %(edition)s.") % {
                "authors": escape(authors),
                "edition": edition_link,
            }

        images = _copy_photos(entry, authors)
        body = [("paragraph", f"<p><i>{byline}</i></p>")]
        body += _paragraphs(entry.body)
        if images:
            first, caption = images[0]
            body.insert(1, ("image", {"image": first, "caption": caption, "credit": authors}))

        kind = entry.subject_kind if entry.subject_kind in ExemplarKind.values else ExemplarKind.ANY
        summary = _("%(subject)s, %(locality)s, told by %(authors)s in the contest %(edition)s.") % {
            "subject": entry.subject_name,
            "locality": entry.subject_locality.name if entry.subject_locality_id else "",
            "authors": authors,
            "edition": edition.title,
        }
        page = ExemplarPage(
            title=entry.title,
            kind=kind,
            movement=movement,
            locality=entry.subject_locality,
            year_recognised=edition.year,
            summary=summary[:500],
            photo=images[0][0] if images else None,
            body=body,
            source_entry=entry,
            live=False,
        )
        if released_award:
            page.awards.add(
                ExemplarAward(
                    title=f"{released_award.tier.name} — {edition.title}"[:255],
                    year=edition.year,
                    conferred_by=(edition.organiser or "")[:255],
                )
            )
        for image, caption in images:
            credit = _("Photo: %(author)s") % {"author": authors}
            page.gallery.add(ExemplarPhoto(image=image, caption=f"{caption} — {credit}" if caption else credit))
        library.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=True)
        workflow = page.get_workflow()
        if workflow is not None:
            workflow.start(page, user)
        log(
            entry,
            PUBLISHED_AS_STORY,
            user=user,
            data={"page_id": page.pk, "title": page.title, "revision_id": revision.pk, "photos": len(images)},
        )
    return page


def notify_story_published(page, *, story_link=""):
    """Tell the author, once, that the story made from their entry is live (called when the page is published)."""
    if not page.source_entry_id:
        return None
    entry = Entry.objects.select_related("edition").filter(pk=page.source_entry_id).first()
    if entry is None or messages_about(entry).filter(kind=messages.PUBLICATION.key).exists():
        return None
    return queue_message(
        messages.PUBLICATION.key,
        to=entry.author_email,
        context={"entry": entry, "edition": entry.edition, "page": page, "story_link": story_link or page.full_url},
        related=entry,
    )


def on_page_published(sender, instance, **kwargs):
    """Wagtail's `page_published` signal: every way a page goes live (edit view, workflow approval, schedule)."""
    if isinstance(instance, ExemplarPage) and instance.source_entry_id:
        notify_story_published(instance)
