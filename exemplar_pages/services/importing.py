"""Import exemplars from an agency's spreadsheet (.xlsx or .csv): check every row first, then create all or none."""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from exemplar_pages.models import (
    Agency,
    ExemplarAward,
    ExemplarIndexPage,
    ExemplarKind,
    ExemplarPage,
    Locality,
    MovementPage,
)
from home.text import fold

MAX_ROWS = 2000
IMPORT_ACTION = "exemplar_pages.exemplar.imported"

# (key, heading in the template); headings are matched without accents or case, so "Ten" finds "Tên".
COLUMNS = [
    ("title", "Tên"),
    ("kind", "Loại"),
    ("movement", "Phong trào"),
    ("lead_agency", "Cơ quan chủ trì"),
    ("locality", "Địa bàn"),
    ("field", "Lĩnh vực"),
    ("year", "Năm công nhận"),
    ("summary", "Tóm tắt"),
    ("tags", "Thẻ"),
    ("awards", "Danh hiệu, khen thưởng"),
    ("story", "Câu chuyện"),
]
REQUIRED = {"title", "kind", "movement"}
HEADINGS = dict(COLUMNS)
KIND_WORDS = {
    "tap the": ExemplarKind.COLLECTIVE,
    "ca nhan": ExemplarKind.INDIVIDUAL,
    "ho gia dinh": ExemplarKind.HOUSEHOLD,
    "hop tac xa": ExemplarKind.COOPERATIVE,
    "to hop tac": ExemplarKind.COOPERATIVE_GROUP,
    "guong dien hinh": ExemplarKind.ANY,
}


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, wrong encoding, missing columns)."""


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportRow:
    number: int
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


@dataclass
class ImportCheck:
    rows: list
    problems: list

    @property
    def ok(self):
        return not self.problems and bool(self.rows)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(upload):
    """The sheet's rows as lists of strings, header first; raises SpreadsheetError for an unreadable file."""
    name = upload.name.lower()
    data = upload.read()
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SpreadsheetError(
                _("The CSV file is not UTF-8 text. In Excel choose “CSV UTF-8” when saving.")
            ) from error
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            rows = [[_cell(value) for value in row] for row in csv.reader(io.StringIO(text), dialect)]
        except csv.Error as error:  # a cell beyond the csv module's field limit, or a stray NUL byte
            raise SpreadsheetError(_("The CSV file is damaged or has a cell that is far too long.")) from error
    else:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
            raise SpreadsheetError(_("The file could not be read as an Excel workbook (.xlsx).")) from error
        sheet = workbook.worksheets[0]
        rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise SpreadsheetError(_("The file has no rows."))
    if len(rows) - 1 > MAX_ROWS:
        raise SpreadsheetError(
            _("The file has more than %(max)s rows; split it into smaller files.") % {"max": MAX_ROWS}
        )
    return rows


def _header_map(header):
    by_folded = {fold(heading).strip(): key for key, heading in COLUMNS}
    mapping = {}
    for position, heading in enumerate(header):
        key = by_folded.get(fold(heading).strip())
        if key and key not in mapping:
            mapping[key] = (position, heading)
    missing = [HEADINGS[key] for key, _heading in COLUMNS if key in REQUIRED and key not in mapping]
    if missing:
        raise SpreadsheetError(_("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
    return mapping


class _Lookups:
    """Everything a row may name, read once, keyed by folded text."""

    def __init__(self):
        self.movements = {}
        for movement in MovementPage.objects.prefetch_related("lead_agencies"):
            lead_ids = {lead.agency_id for lead in movement.lead_agencies.all()}
            entry = (movement, lead_ids)
            self.movements[fold(movement.slug)] = entry
            self.movements[fold(movement.title)] = entry
        self.agencies = {}
        for agency in Agency.objects.all():
            self.agencies[fold(agency.name)] = agency
            if agency.short_name:
                self.agencies.setdefault(fold(agency.short_name), agency)
        self.localities = {}
        # Current units win over former ones with the same name.
        for locality in Locality.objects.order_by("is_current"):
            self.localities[fold(locality.name)] = locality
        self.kinds = dict(KIND_WORDS)
        for kind in ExemplarKind:
            self.kinds[fold(kind.value)] = kind
            self.kinds[fold(str(kind.label))] = kind


def check_rows(rows):
    """Validate every data row; returns an ImportCheck listing each problem with its row number and column heading."""
    mapping = _header_map(rows[0])
    lookups = _Lookups()
    this_year = datetime.date.today().year
    checked = []
    problems = []
    seen_titles = {}
    for offset, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        row = ImportRow(number=offset)

        def value(key, raw=raw):
            if key not in mapping:
                return ""
            position = mapping[key][0]
            return raw[position] if position < len(raw) else ""

        def problem(key, message, row=row):
            heading = mapping[key][1] if key in mapping else HEADINGS[key]
            row.problems.append(RowProblem(row=row.number, column=heading, message=message))

        title = value("title")
        if not title:
            problem("title", _("The name is required."))
        elif len(title) > 255:
            problem("title", _("The name is longer than 255 characters."))
        else:
            folded_title = fold(title)
            if folded_title in seen_titles:
                problem("title", _("Same name as row %(row)s.") % {"row": seen_titles[folded_title]})
            seen_titles.setdefault(folded_title, row.number)
        row.values["title"] = title

        kind = lookups.kinds.get(fold(value("kind")))
        if kind is None:
            problem(
                "kind",
                _("Unknown kind “%(value)s”: use tập thể, cá nhân, hộ gia đình, hợp tác xã or tổ hợp tác.")
                % {"value": value("kind")},
            )
        row.values["kind"] = kind

        movement_entry = lookups.movements.get(fold(value("movement")))
        if movement_entry is None:
            problem("movement", _("No movement called “%(value)s”.") % {"value": value("movement")})
        row.values["movement"] = movement_entry[0] if movement_entry else None

        agency = None
        if value("lead_agency"):
            agency = lookups.agencies.get(fold(value("lead_agency")))
            if agency is None:
                problem("lead_agency", _("No agency called “%(value)s”.") % {"value": value("lead_agency")})
            elif movement_entry and agency.pk not in movement_entry[1]:
                problem("lead_agency", _("This agency does not lead that movement."))
        row.values["lead_agency"] = agency

        locality = None
        if value("locality"):
            locality = lookups.localities.get(fold(value("locality")))
            if locality is None:
                problem("locality", _("No locality called “%(value)s”.") % {"value": value("locality")})
        row.values["locality"] = locality

        year = None
        if value("year"):
            try:
                year = int(value("year"))
            except ValueError:
                problem("year", _("“%(value)s” is not a year.") % {"value": value("year")})
            else:
                if not 1945 <= year <= this_year + 1:
                    problem("year", _("The year must be between 1945 and %(max)s.") % {"max": this_year + 1})
                    year = None
        row.values["year"] = year

        for key, limit in (("field", 150), ("summary", 500)):
            text = value(key)
            if len(text) > limit:
                problem(key, _("Longer than %(limit)s characters.") % {"limit": limit})
            row.values[key] = text
        tags = [tag.strip() for tag in value("tags").replace(";", ",").split(",") if tag.strip()]
        if any(len(tag) > 100 for tag in tags):
            problem("tags", _("A tag is longer than 100 characters."))
        row.values["tags"] = tags
        awards = [award.strip() for award in value("awards").split(";") if award.strip()]
        if any(len(award) > 255 for award in awards):
            problem("awards", _("An award is longer than 255 characters."))
        row.values["awards"] = awards
        row.values["story"] = value("story")

        checked.append(row)
        problems.extend(row.problems)
    if not checked:
        raise SpreadsheetError(_("The file has a header row but no exemplars."))
    return ImportCheck(rows=checked, problems=problems)


def _story_blocks(text):
    return [("paragraph", f"<p>{escape(part)}</p>") for part in text.split("\n") if part.strip()]


@transaction.atomic
def import_exemplars(*, check, index_page, user, publish):
    """Create one exemplar page per checked row, or none at all if any row has a problem; returns the pages."""
    if not check.ok:
        return []
    index_page = ExemplarIndexPage.objects.select_for_update().get(pk=index_page.pk)
    created = []
    for row in check.rows:
        values = row.values
        page = ExemplarPage(
            title=values["title"],
            kind=values["kind"],
            movement=values["movement"],
            lead_agency=values["lead_agency"],
            locality=values["locality"],
            field=values["field"],
            year_recognised=values["year"],
            summary=values["summary"],
            body=_story_blocks(values["story"]),
            live=False,
            owner=user,
        )
        page.awards = [ExemplarAward(title=title) for title in values["awards"]]
        if values["tags"]:
            page.tags.add(*values["tags"])
        index_page.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=False)
        if publish:
            revision.publish(user=user, log_action=False)
        log(instance=page, action=IMPORT_ACTION, user=user, data={"row": row.number, "published": publish})
        created.append(page)
    return created
