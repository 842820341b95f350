"""Closing an edition: export everything of it to one ZIP an organiser keeps, and restore such a ZIP into a site.

The archive is self-contained. Every table of the edition is one JSON file under `data/`, its rows numbered 1..n
in primary-key order ("local ids"); references between rows use those local ids, and references to what lives
outside the edition use natural keys (users by username, localities by name and kind, movements by slug). So an
archive does not depend on the database it came from, and exporting a restored edition gives the same JSON again.
Files (photos, originals, reply documents) sit under `files/`; `manifest.json` lists every other member with its
size and SHA-256; CSV copies for people (UTF-8 with BOM, so Excel shows Vietnamese) sit under `csv/`.
"""

import contextlib
import csv
import datetime
import decimal
import hashlib
import io
import json
import posixpath
import uuid
import zipfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Page

from exemplar_pages.models import ExemplarPage, Locality, MovementPage

from ..models import (
    Assignment,
    Award,
    ConflictOfInterest,
    ContestIndexPage,
    ContestPage,
    Criterion,
    EditionGenre,
    Entry,
    EntryPhoto,
    EntryVersion,
    PrizeTier,
    ReceiptCounter,
    ResultsRelease,
    Round,
    RoundEntry,
    Score,
    ScoreChange,
    ScoreSheet,
    SubmissionKey,
    Verification,
    Vote,
    Voter,
    VoteRequest,
    VotingCandidate,
    VotingRules,
    private_storage,
)
from ..statuses import EntryStatus

EXPORTED = "contest.archive.exported"
IMPORTED = "contest.archive.imported"

FORMAT = "gnt-contest-edition"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# Every table of an edition, in an order where each row's references come before it: (file name, model, the
# lookup from the model to its edition).
TABLES = [
    ("genres", EditionGenre, "edition"),
    ("prize_tiers", PrizeTier, "edition"),
    ("receipt_counter", ReceiptCounter, "edition"),
    ("entries", Entry, "edition"),
    ("entry_versions", EntryVersion, "entry__edition"),
    ("entry_photos", EntryPhoto, "entry__edition"),
    ("submission_keys", SubmissionKey, "entry__edition"),
    ("rounds", Round, "edition"),
    ("criteria", Criterion, "round__edition"),
    ("round_entries", RoundEntry, "round__edition"),
    ("assignments", Assignment, "round__edition"),
    ("conflicts", ConflictOfInterest, "entry__edition"),
    ("score_sheets", ScoreSheet, "assignment__round__edition"),
    ("scores", Score, "sheet__assignment__round__edition"),
    ("score_changes", ScoreChange, "round__edition"),
    ("voting_rules", VotingRules, "edition"),
    ("voting_candidates", VotingCandidate, "edition"),
    ("voters", Voter, "edition"),
    ("vote_requests", VoteRequest, "edition"),
    ("votes", Vote, "edition"),
    ("verifications", Verification, "entry__edition"),
    ("awards", Award, "entry__edition"),
    ("results_release", ResultsRelease, "edition"),
]
EXPORTED_MODELS = {model for _name, model, _lookup in TABLES} | {ContestPage}

# Contest models an archive leaves out on purpose, and why (a test fails for a model in neither list).
EXCLUDED_MODELS = {
    ContestIndexPage: "Site structure shared by every edition; the import creates it when the site has none.",
}

# Page fields of the edition kept beside ContestPage's own fields (the rest of Page is the tree's bookkeeping).
PAGE_FIELDS = ["title", "slug", "seo_title", "search_description", "show_in_menus", "live"]

# Refuse archives beyond these (settings may raise them for very large editions).
DEFAULT_MAX_BYTES = 4 * 1024**3  # total uncompressed size
DEFAULT_MAX_MEMBERS = 100_000
DEFAULT_MAX_JSON_BYTES = 512 * 1024**2
# A member that inflates more than this many times is a zip bomb, not a photo or a text (JSON of Vietnamese
# text compresses ~10x; a megabyte is small enough to let tiny, very regular files through).
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024**2
CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """An archive cannot be made or restored; the message says why, in Vietnamese, for the organiser."""


def _limit(name, default):
    return getattr(settings, name, default)


# ---- Values ---------------------------------------------------------------------------------------------------


def _dump(field, value):
    """A field's value as JSON: UTC ISO times, decimals as strings (never floats), UUIDs as strings."""
    if value is None or isinstance(field, models.JSONField):
        return value
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def _load(field, value):
    if value is None or isinstance(field, models.JSONField):
        return value
    return field.to_python(value)


def _columns(model):
    """The fields an archive keeps for `model`: every concrete field except the primary key."""
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _user_label(user):
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


# ---- Export ---------------------------------------------------------------------------------------------------


class _Exporter:
    def __init__(self, edition):
        self.edition = edition
        self.local = {}  # model -> {pk: local id}
        self.users = {}  # pk -> local id
        self.localities = {}
        self.movements = {}
        self.files = {}  # storage name -> archive path

    def _ref(self, model, pk, field):
        if pk is None:
            return None
        if model is ContestPage:
            if pk != self.edition.pk:
                raise ArchiveError(_("A row of %(table)s points to another edition.") % {"table": field.model.__name__})
            return 1
        if model in self.local:
            if pk not in self.local[model]:
                raise ArchiveError(
                    _("A row of %(table)s points outside the edition.") % {"table": field.model.__name__}
                )
            return self.local[model][pk]
        for table, target in (
            (self.users, get_user_model()),
            (self.localities, Locality),
            (self.movements, MovementPage),
        ):
            if model is target:
                return table.setdefault(pk, len(table) + 1)
        if model._meta.label == "wagtaildocs.Document":
            return None  # public media, not the edition's own: the import leaves the link empty
        raise ArchiveError(_("The archive does not know how to keep a link to %(model)s.") % {"model": model.__name__})

    def _file(self, fieldfile):
        if not fieldfile:
            return ""
        name = fieldfile.name
        if name not in self.files:
            prefix = f"entries/{self.edition.pk}/"
            relative = name[len(prefix) :] if name.startswith(prefix) else f"_/{name}"
            self.files[name] = "files/" + relative
        return self.files[name]

    def row(self, model, obj):
        data = {"id": self.local[model][obj.pk]} if model in self.local else {}
        for field in _columns(model):
            if isinstance(field, models.FileField):
                data[field.name] = self._file(getattr(obj, field.name))
            elif field.is_relation:
                data[field.name] = self._ref(field.related_model, getattr(obj, field.attname), field)
            else:
                data[field.name] = _dump(field, field.value_from_object(obj))
        return data

    def tables(self):
        querysets = {
            name: model.objects.filter(**{lookup: self.edition}).order_by("pk") for name, model, lookup in TABLES
        }
        for name, model, _lookup in TABLES:
            pks = querysets[name].values_list("pk", flat=True)
            self.local[model] = {pk: position for position, pk in enumerate(pks, start=1)}
        data = {}
        for name, model, _lookup in TABLES:
            rows = []
            for obj in querysets[name].iterator(chunk_size=2000):
                row = self.row(model, obj)
                rows.append(row)
            data[name] = rows
        judges = Round.judges.through.objects.filter(round__edition=self.edition).order_by("round_id", "user_id")
        for row in data["rounds"]:
            row["judges"] = []
        rounds = {row["id"]: row for row in data["rounds"]}
        for link in judges:
            rounds[self.local[Round][link.round_id]]["judges"].append(self._ref(get_user_model(), link.user_id, None))
        data["audit_log"] = self.audit_log()
        data["exemplar_links"] = [
            {"entry": self.local[Entry][entry_id], "page_slug": slug, "page_title": title}
            for entry_id, slug, title in ExemplarPage.objects.filter(source_entry__edition=self.edition)
            .order_by("pk")
            .values_list("source_entry_id", "slug", "title")
        ]
        data["edition"] = self.edition_fields()
        # Last: every reference above has been numbered.
        data["users"] = self.outside(get_user_model().objects.all(), self.users, _user_label)
        data["localities"] = self.outside(
            Locality.objects.select_related("parent"), self.localities, self.locality_label
        )
        data["movements"] = self.outside(
            MovementPage.objects.all(), self.movements, lambda m: {"slug": m.slug, "title": m.title}
        )
        return data

    @staticmethod
    def locality_label(locality):
        parent = locality.parent
        return {
            "name": locality.name,
            "kind": locality.kind,
            "parent": {"name": parent.name, "kind": parent.kind} if parent else None,
            "is_current": locality.is_current,
        }

    @staticmethod
    def outside(queryset, numbering, label):
        objects = queryset.in_bulk(list(numbering))
        rows = []
        for pk, local in sorted(numbering.items(), key=lambda item: item[1]):
            if pk in objects:
                rows.append({"id": local, **label(objects[pk])})
            else:
                # An audit-log entry may name a user deleted since (Wagtail keeps the number): keep a placeholder.
                rows.append(
                    {"id": local, "username": f"nguoi-dung-da-xoa-{pk}", "email": "", "first_name": "", "last_name": ""}
                )
        return rows

    def audit_log(self):
        """The audit trail of the edition's rows: status history, screening, verification, prizes, invalidations."""
        found = []
        for model, numbering in self.local.items():
            content_type = ContentType.objects.get_for_model(model)
            ids = [str(pk) for pk in numbering]
            for start in range(0, len(ids), 500):
                found += [
                    (model, numbering[int(log_entry.object_id)], log_entry)
                    for log_entry in ModelLogEntry.objects.filter(
                        content_type=content_type, object_id__in=ids[start : start + 500]
                    )
                ]
        found.sort(key=lambda item: (item[2].timestamp, item[2].pk))
        return [
            {
                "model": model._meta.label,
                "object": local,
                "label": log_entry.label,
                "action": log_entry.action,
                "data": log_entry.data,
                "timestamp": _dump(None, log_entry.timestamp),
                "uuid": str(log_entry.uuid) if log_entry.uuid else None,
                "user": self._ref(get_user_model(), log_entry.user_id, None),
                "content_changed": log_entry.content_changed,
                "deleted": log_entry.deleted,
            }
            for model, local, log_entry in found
        ]

    def edition_fields(self):
        edition = self.edition
        data = {name: getattr(edition, name) for name in PAGE_FIELDS}
        for field in _columns(ContestPage):
            if field.model is Page or field.name == "page_ptr" or field.is_relation:
                continue
            data[field.name] = _dump(field, field.value_from_object(edition))
        data["rules_document_title"] = edition.rules_document.title if edition.rules_document_id else ""
        return data


def _csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _column(name):
    return pgettext("archive column", name)


def _human_copies(data):
    """CSV copies for people: entries, scores, votes and results, named by receipt code rather than numbers."""
    entries = {row["id"]: row for row in data["entries"]}
    code = {local: row["code"] for local, row in entries.items()}
    genres = {row["id"]: row["name"] for row in data["genres"]}
    localities = {row["id"]: row["name"] for row in data["localities"]}
    users = {row["id"]: row["username"] for row in data["users"]}
    rounds = {row["id"]: row["name"] for row in data["rounds"]}
    criteria = {row["id"]: row["name"] for row in data["criteria"]}
    tiers = {row["id"]: row for row in data["prize_tiers"]}
    # Each score with the assignment its sheet belongs to: round, entry and judge.
    assignments = {row["id"]: row for row in data["assignments"]}
    sheets = {row["id"]: (row, assignments[row["assignment"]]) for row in data["score_sheets"]}
    valid_votes = {}
    for vote in data["votes"]:
        if vote["is_valid"]:
            valid_votes[vote["entry"]] = valid_votes.get(vote["entry"], 0) + 1
    yes, no = pgettext("archive value", "yes"), pgettext("archive value", "no")
    entry_rows = [
        [
            row["code"],
            row["title"],
            genres.get(row["genre"], ""),
            EntryStatus(row["status"]).label if row["status"] in EntryStatus.values else row["status"],
            row["author_name"],
            row["co_authors"],
            row["author_email"],
            row["author_phone"],
            row["subject_name"],
            localities.get(row["subject_locality"], ""),
            row["word_count"],
            row["submitted_at"],
        ]
        for row in data["entries"]
    ]
    score_rows = []
    for score in data["scores"]:
        sheet, assignment = sheets[score["sheet"]]
        score_rows.append(
            [
                rounds[assignment["round"]],
                code[assignment["entry"]],
                users.get(assignment["judge"], ""),
                criteria[score["criterion"]],
                score["points"],
                score["max_points"],
                sheet["state"],
            ]
        )
    vote_rows = [
        [
            code[vote["entry"]],
            vote["cast_at"],
            vote["window"],
            vote["voter"],
            yes if vote["is_valid"] else no,
            vote["invalidation_reason"],
        ]
        for vote in data["votes"]
    ]
    awards = sorted(data["awards"], key=lambda award: (tiers[award["tier"]]["sort_order"] or 0, award["slot"]))
    result_rows = [
        [
            tiers[award["tier"]]["name"],
            award["slot"],
            code[award["entry"]],
            entries[award["entry"]]["title"],
            entries[award["entry"]]["author_name"],
            valid_votes.get(award["entry"], 0),
            award["released_at"] or "",
        ]
        for award in awards
    ]
    headers = {
        "entries": [
            "Code",
            "Title",
            "Genre",
            "Status",
            "Author",
            "Co-authors",
            "E-mail",
            "Phone",
            "Subject",
            "Locality",
            "Words",
            "Submitted",
        ],
        "scores": ["Round", "Code", "Judge", "Criterion", "Points", "Maximum", "Sheet"],
        "votes": ["Code", "Cast", "Window", "Voter", "Valid", "Reason for invalidation"],
        "results": ["Prize", "Place", "Code", "Title", "Author", "Valid votes", "Released"],
    }
    rows = {"entries": entry_rows, "scores": score_rows, "votes": vote_rows, "results": result_rows}
    return {f"csv/{name}.csv": _csv([_column(h) for h in headers[name]], rows[name]) for name in headers}


def can_export(edition):
    """An edition is closed, and its archive final, once its results are released (see the README)."""
    return ResultsRelease.objects.filter(edition=edition).exists()


def export_edition(edition, *, to, user=None, require_closed=True):
    """Write the archive of `edition` as a ZIP into the binary file object `to`; return its manifest.

    Refuses (ArchiveError) an edition whose results are not released unless `require_closed` is False (the
    management command's --force). Side effect: one audit-log entry `contest.archive.exported` on the edition.
    """
    if require_closed and not can_export(edition):
        raise ArchiveError(_("Only an edition whose results are released can be archived."))
    exporter = _Exporter(edition)
    data = exporter.tables()
    members = {f"data/{name}.json": _json_bytes(rows) for name, rows in data.items()}
    members.update(_human_copies(data))
    storage = private_storage()
    files_meta = {}
    with zipfile.ZipFile(to, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for name in sorted(members):
            content = members[name]
            archive.writestr(name, content)
            files_meta[name] = {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        for stored, path in sorted(exporter.files.items(), key=lambda item: item[1]):
            if not storage.exists(stored):
                raise ArchiveError(_("The file %(name)s is missing from private storage.") % {"name": stored})
            digest, size = hashlib.sha256(), 0
            # Photos are already compressed: store them as they are.
            with storage.open(stored, "rb") as source, archive.open(path, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
            files_meta[path] = {"size": size, "sha256": digest.hexdigest()}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "edition": {"slug": edition.slug, "title": edition.title, "year": edition.year},
            "exported_at": timezone.now().astimezone(datetime.UTC).isoformat(),
            "counts": {name: len(rows) for name, rows in data.items() if isinstance(rows, list)},
            "files": files_meta,
        }
        archive.writestr(MANIFEST, _json_bytes(manifest))
    log(edition, EXPORTED, user=user, data={"counts": manifest["counts"], "files": len(files_meta)})
    return manifest


def _json_bytes(value):
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


# ---- Import ---------------------------------------------------------------------------------------------------


def _safe_name(name):
    """A member name that cannot escape the archive's folders: relative, forward slashes, no `..`, no drive."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name.split("/")[0]:
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts) and posixpath.normpath(name) == name


class _Archive:
    """A checked archive: members listed in the manifest, sizes and checksums verified, JSON parsed."""

    def __init__(self, fileobj):
        try:
            self.zip = zipfile.ZipFile(fileobj)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ArchiveError(_("This file is not a ZIP archive.")) from None
        self.infos = {}
        try:
            self._check_members()
            self.manifest = self._json(MANIFEST)
            self._check_manifest()
            self._verify_checksums()
            self.data = {
                name[len("data/") : -len(".json")]: self._json(name)
                for name in self.manifest["files"]
                if name.startswith("data/") and name.endswith(".json")
            }
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
            self.zip.close()
            raise ArchiveError(_("The ZIP archive is damaged and cannot be read.")) from None
        except ArchiveError:
            self.zip.close()
            raise

    def _check_members(self):
        infos = self.zip.infolist()
        if len(infos) > _limit("CONTEST_ARCHIVE_MAX_MEMBERS", DEFAULT_MAX_MEMBERS):
            raise ArchiveError(_("The archive holds too many files."))
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            if not _safe_name(info.filename):
                raise ArchiveError(
                    _("The archive contains a file with an unsafe name: %(name)s.") % {"name": info.filename[:200]}
                )
            if info.filename in self.infos:
                raise ArchiveError(_("The archive contains the file %(name)s twice.") % {"name": info.filename})
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ArchiveError(
                    _("The file %(name)s inflates far beyond its compressed size; the archive is refused.")
                    % {"name": info.filename}
                )
            total += info.file_size
            self.infos[info.filename] = info
        if total > _limit("CONTEST_ARCHIVE_MAX_BYTES", DEFAULT_MAX_BYTES):
            raise ArchiveError(_("The archive is too large to restore (%(size)s MB).") % {"size": total // 1024**2})
        if MANIFEST not in self.infos:
            raise ArchiveError(_("The archive has no manifest.json; it was not made by this site."))

    def read_chunks(self, name):
        """The member's bytes in chunks, never more than its declared size (a lying header cannot inflate us)."""
        info = self.infos[name]
        remaining = info.file_size
        with self.zip.open(info) as member:
            while True:
                chunk = member.read(min(CHUNK, remaining + 1))
                if not chunk:
                    break
                remaining -= len(chunk)
                if remaining < 0:
                    raise ArchiveError(_("The file %(name)s is larger than the archive says.") % {"name": name})
                yield chunk

    def _json(self, name):
        if self.infos[name].file_size > _limit("CONTEST_ARCHIVE_MAX_JSON_BYTES", DEFAULT_MAX_JSON_BYTES):
            raise ArchiveError(_("The file %(name)s is too large.") % {"name": name})
        try:
            return json.loads(b"".join(self.read_chunks(name)).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ArchiveError(_("The file %(name)s is not valid JSON.") % {"name": name}) from None

    def _check_manifest(self):
        manifest = self.manifest
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError(_("This is not an archive of a contest edition."))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ArchiveError(
                _("The archive's format version %(version)s is not supported (this site reads version %(ours)s).")
                % {"version": manifest.get("format_version"), "ours": FORMAT_VERSION}
            )
        files = manifest.get("files")
        edition = manifest.get("edition")
        if not isinstance(files, dict) or not isinstance(edition, dict) or not edition.get("slug"):
            raise ArchiveError(_("The archive's manifest is incomplete."))
        listed, present = set(files), set(self.infos) - {MANIFEST}
        if listed - present:
            raise ArchiveError(
                _("Files listed in the manifest are missing from the archive: %(names)s.")
                % {"names": ", ".join(sorted(listed - present)[:5])}
            )
        if present - listed:
            raise ArchiveError(
                _("The archive contains files its manifest does not list: %(names)s.")
                % {"names": ", ".join(sorted(present - listed)[:5])}
            )
        needed = {f"data/{name}.json" for name, _model, _lookup in TABLES} | {
            f"data/{name}.json"
            for name in ("edition", "users", "localities", "movements", "audit_log", "exemplar_links")
        }
        if needed - listed:
            raise ArchiveError(
                _("The archive lacks the tables %(names)s.") % {"names": ", ".join(sorted(needed - listed))}
            )

    def _verify_checksums(self):
        for name, meta in self.manifest["files"].items():
            if not isinstance(meta, dict) or meta.get("size") != self.infos[name].file_size:
                raise ArchiveError(_("The size of %(name)s does not match the manifest.") % {"name": name})
            digest = hashlib.sha256()
            for chunk in self.read_chunks(name):
                digest.update(chunk)
            if digest.hexdigest() != meta.get("sha256"):
                raise ArchiveError(
                    _("The checksum of %(name)s does not match the manifest; the archive was altered or damaged.")
                    % {"name": name}
                )


class _Importer:
    def __init__(self, archive, user):
        self.archive = archive
        self.data = archive.data
        self.user = user
        self.new = {}  # model -> {local id: new pk}
        self.saved_files = {}  # archive path -> storage name
        self.storage = private_storage()

    # -- references to what lives outside the edition
    def users(self):
        User = get_user_model()
        mapping = {}
        rows = self.data["users"]
        existing = User.objects.in_bulk([row["username"] for row in rows], field_name=User.USERNAME_FIELD)
        for row in rows:
            user = existing.get(row["username"])
            if user is None:
                # A judge or organiser of the past who has no account here: kept as an inactive, password-less user.
                user = User(
                    **{User.USERNAME_FIELD: row["username"]},
                    email=row.get("email", ""),
                    first_name=row.get("first_name", ""),
                    last_name=row.get("last_name", ""),
                    is_active=False,
                )
                user.set_unusable_password()
                user.save()
            mapping[row["id"]] = user.pk
        return mapping

    def localities(self):
        mapping = {}
        for row in self.data["localities"]:
            parent = None
            if row.get("parent"):
                parent = self._locality(row["parent"]["name"], row["parent"]["kind"], None, True)
            mapping[row["id"]] = self._locality(row["name"], row["kind"], parent, row.get("is_current", True)).pk
        return mapping

    @staticmethod
    def _locality(name, kind, parent, is_current):
        found = Locality.objects.filter(name=name, kind=kind)
        if parent is not None:
            found = found.filter(parent=parent)
        locality = found.order_by("pk").first()
        if locality is None:
            locality = Locality.objects.create(name=name, kind=kind, parent=parent, is_current=is_current)
        return locality

    def movements(self):
        slugs = {row["id"]: row["slug"] for row in self.data["movements"]}
        found = dict(MovementPage.objects.filter(slug__in=slugs.values()).values_list("slug", "pk"))
        # A movement this site does not have: the entry keeps no movement (the link is optional).
        return {local: found.get(slug) for local, slug in slugs.items()}

    # -- files
    def discard_files(self):
        """Delete the files this import saved: a failed import leaves no orphans in private storage."""
        for name in self.saved_files.values():
            with contextlib.suppress(OSError):
                self.storage.delete(name)
        self.saved_files = {}

    def save_file(self, path, edition):
        if not path:
            return ""
        if path in self.saved_files:
            return self.saved_files[path]
        if path not in self.archive.infos or not path.startswith("files/"):
            raise ArchiveError(_("The archive refers to a file it does not contain: %(name)s.") % {"name": path})
        relative = path[len("files/") :]
        target = relative[2:] if relative.startswith("_/") else f"entries/{edition.pk}/{relative}"
        content = File(_ChunkReader(self.archive.read_chunks(path)), name=posixpath.basename(target))
        content.size = self.archive.infos[path].file_size
        name = self.storage.save(target, content)
        self.saved_files[path] = name
        return name

    # -- rows
    def ref(self, field, value, edition):
        if value is None:
            return None
        model = field.related_model
        if model is ContestPage:
            return edition.pk
        if model in self.new:
            try:
                return self.new[model][value]
            except KeyError:
                raise ArchiveError(
                    _("A row of %(table)s points to a row the archive does not contain.")
                    % {"table": field.model.__name__}
                ) from None
        outside = {get_user_model(): self.user_map, Locality: self.locality_map, MovementPage: self.movement_map}
        if model in outside:
            try:
                return outside[model][value]
            except KeyError:
                raise ArchiveError(
                    _("A row of %(table)s points to a person or place the archive does not list.")
                    % {"table": field.model.__name__}
                ) from None
        return None

    def build(self, model, row, edition):
        values, stamps = {}, {}
        for field in _columns(model):
            if field.name not in row:
                continue
            value = row[field.name]
            if isinstance(field, models.FileField):
                values[field.name] = self.save_file(value, edition)
            elif field.is_relation:
                values[field.attname] = self.ref(field, value, edition)
            else:
                values[field.attname] = _load(field, value)
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    stamps[field.attname] = values[field.attname]
        return model(**values), stamps

    def rows(self, name, model, edition):
        rows = self.data[name]
        if not isinstance(rows, list):
            raise ArchiveError(_("The table %(name)s is malformed.") % {"name": name})
        built = [self.build(model, row, edition) for row in rows]
        if model in self.page_children:
            objects = self.page_children[model]  # created with the page; only the numbering is needed here
        else:
            objects = [obj for obj, _stamps in built]
            model.objects.bulk_create(objects, batch_size=500)
        stamp_fields = set()
        for obj, (_fresh, stamps) in zip(objects, built, strict=True):
            for attname, value in stamps.items():
                setattr(obj, attname, value)
                stamp_fields.add(attname)
        if stamp_fields and objects:
            # auto_now(_add) overwrote the archived times on insert: put them back.
            model.objects.bulk_update(objects, sorted(stamp_fields), batch_size=500)
        self.new[model] = {row["id"]: obj.pk for row, obj in zip(rows, objects, strict=True)}
        return rows, objects

    def edition_page(self):
        fields = self.data["edition"]
        index = ContestIndexPage.objects.first()
        if index is None:
            from home.models import HomePage

            home = HomePage.objects.order_by("depth", "path").first()
            parent = home or Page.get_first_root_node()
            index = ContestIndexPage(title=_("Contest"), slug="cuoc-thi")
            parent.add_child(instance=index)
            # Restoring is the organiser's right (rules.py), whatever their rights over the page tree.
            index.save_revision(user=self.user).publish(user=self.user, skip_permission_checks=True)
        values = {}
        for field in _columns(ContestPage):
            if field.model is Page or field.name == "page_ptr" or field.is_relation or field.name not in fields:
                continue
            values[field.attname] = _load(field, fields[field.name])
        live = bool(fields.get("live", True))
        page = ContestPage(
            **values, **{name: fields[name] for name in PAGE_FIELDS if name in fields and name != "live"}
        )
        page.live = False
        # Genres and prize tiers belong to the page's revisions: created with it, so the editor shows them.
        self.page_children = {}
        for name, model in (("genres", EditionGenre), ("prize_tiers", PrizeTier)):
            children = [self.build(model, row, page)[0] for row in self.data[name]]
            for child in children:
                child.edition = page
            getattr(page, name).set(children)
            self.page_children[model] = children
        index.add_child(instance=page)
        revision = page.save_revision(user=self.user)
        if live:
            revision.publish(user=self.user, skip_permission_checks=True)
            page.refresh_from_db()
        # Saving the page renumbered the children's order from 0: put the archived order back.
        for model, children in self.page_children.items():
            name = "genres" if model is EditionGenre else "prize_tiers"
            for child, row in zip(children, self.data[name], strict=True):
                child.sort_order = row.get("sort_order")
            model.objects.bulk_update(children, ["sort_order"])
        return page

    def run(self):
        manifest = self.archive.manifest
        slug = manifest["edition"]["slug"]
        fields = self.data["edition"]
        clash = ContestPage.objects.filter(slug__in=[slug, fields.get("slug")]) | ContestPage.objects.filter(
            year=fields.get("year"), code_prefix=fields.get("code_prefix")
        )
        if clash.exists():
            raise ArchiveError(
                _("The edition “%(title)s” is already on this site; delete it before restoring the archive.")
                % {"title": manifest["edition"].get("title", slug)}
            )
        self.user_map = self.users()
        self.locality_map = self.localities()
        self.movement_map = self.movements()
        edition = self.edition_page()
        for name, model, _lookup in TABLES:
            self.rows(name, model, edition)
        rounds = {row["id"]: row for row in self.data["rounds"]}
        through = Round.judges.through
        through.objects.bulk_create(
            [
                through(round_id=self.new[Round][local], user_id=self.user_map[judge])
                for local, row in rounds.items()
                for judge in row.get("judges", [])
            ]
        )
        self.audit_log()
        relinked = self.exemplar_links()
        counts = {name: len(rows) for name, rows in self.data.items() if isinstance(rows, list)}
        log(edition, IMPORTED, user=self.user, data={"counts": counts, "stories_relinked": relinked})
        return edition

    def audit_log(self):
        models_by_label = {model._meta.label: model for model in self.new}
        entries = []
        for row in self.data["audit_log"]:
            model = models_by_label.get(row.get("model"))
            if model is None or row.get("object") not in self.new[model]:
                raise ArchiveError(_("The audit trail refers to a row the archive does not contain."))
            entries.append(
                ModelLogEntry(
                    content_type=ContentType.objects.get_for_model(model),
                    object_id=str(self.new[model][row["object"]]),
                    label=row.get("label", ""),
                    action=row.get("action", ""),
                    data=row.get("data") or {},
                    timestamp=_load(models.DateTimeField(), row["timestamp"]),
                    uuid=row.get("uuid"),
                    user_id=self.user_map.get(row.get("user")),
                    content_changed=bool(row.get("content_changed")),
                    deleted=bool(row.get("deleted")),
                )
            )
        ModelLogEntry.objects.bulk_create(entries, batch_size=500)

    def exemplar_links(self):
        """Stories made from the edition's entries: re-linked when this site has the page (same slug, no entry)."""
        relinked = 0
        for link in self.data["exemplar_links"]:
            entry_pk = self.new[Entry].get(link.get("entry"))
            page = ExemplarPage.objects.filter(slug=link.get("page_slug"), source_entry__isnull=True).first()
            if entry_pk and page is not None:
                ExemplarPage.objects.filter(pk=page.pk).update(source_entry_id=entry_pk)
                relinked += 1
        return relinked


class _ChunkReader(io.RawIOBase):
    """A read-only stream over an iterator of byte chunks (a ZIP member read within its declared size)."""

    def __init__(self, chunks):
        self.chunks, self.buffer = chunks, b""

    def readable(self):
        return True

    def read(self, size=-1):
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, b"")
            if not chunk:
                break
            self.buffer += chunk
        if size < 0:
            size = len(self.buffer)
        result, self.buffer = self.buffer[:size], self.buffer[size:]
        return result


def import_edition(fileobj, *, user=None):
    """Restore the archive in `fileobj` (a seekable binary file) as a new edition of this site; return its page.

    All or nothing: the archive is checked in full (format, names, sizes, checksums, JSON) before anything is
    written; rows go in one transaction and files saved for a failed import are deleted. Refuses (ArchiveError,
    in Vietnamese) hostile or malformed archives and an edition the site already has. Side effects: the edition
    page (under the contest index, created if missing), every row, files in private storage, inactive users for
    past judges without an account here, one audit-log entry `contest.archive.imported` on the edition.
    """
    archive = _Archive(fileobj)
    importer = _Importer(archive, user)
    try:
        with transaction.atomic(), archive.zip:
            edition = importer.run()
    except ArchiveError:
        importer.discard_files()
        raise
    except (DatabaseError, ValidationError, KeyError, TypeError, ValueError, AttributeError) as error:
        importer.discard_files()
        raise ArchiveError(
            _("The archive could not be restored; nothing was changed. (%(error)s)")
            % {"error": f"{type(error).__name__}: {str(error)[:200]}"}
        ) from error
    except BaseException:
        importer.discard_files()
        raise
    return edition
