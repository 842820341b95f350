"""Forms: the library's filters (public) and the spreadsheet upload (admin)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ExemplarKind

SEARCH_MAX_LENGTH = 200
IMPORT_MAX_BYTES = 5 * 1024 * 1024


class LibraryFilterForm(forms.Form):
    """GET parameters of `/guong-dien-hinh/`; every combination is its own URL, invalid values are ignored."""

    SORTS = [
        ("moi-nhat", _("Newest first")),
        ("cu-nhat", _("Oldest first")),
        ("ten", _("Name (A–Z)")),
        ("nam", _("Year recognised (latest first)")),
    ]
    ORDERINGS = {
        "moi-nhat": ("-first_published_at", "-pk"),
        "cu-nhat": ("first_published_at", "pk"),
        "ten": ("title", "pk"),
        "nam": ("-year_recognised", "title", "pk"),
    }

    q = forms.CharField(label=_("Words to look for (accents optional)"), required=False, max_length=SEARCH_MAX_LENGTH)
    movement = forms.ChoiceField(label=_("Movement"), required=False)
    kind = forms.ChoiceField(label=_("Exemplar kind"), required=False)
    locality = forms.ChoiceField(label=_("Locality"), required=False)
    year = forms.ChoiceField(label=_("Year recognised"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    # Public URL names: short Vietnamese words, so a shared link reads well.
    PARAMS = {
        "q": "q",
        "movement": "phong-trao",
        "kind": "loai",
        "locality": "dia-ban",
        "year": "nam",
        "tag": "the",
        "sort": "sap-xep",
    }

    def __init__(self, data, *, movements, localities, years, tags):
        data = data.copy() if data is not None else {}
        # Truncate rather than reject a huge query: the reader still gets results.
        data = {name: (data.get(param) or "").strip()[:SEARCH_MAX_LENGTH] for name, param in self.PARAMS.items()}
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["movement"].choices = everything + [(m.slug, m.title) for m in movements]
        self.fields["kind"].choices = everything + list(ExemplarKind.choices)
        self.fields["locality"].choices = everything + [(str(loc.pk), loc.name) for loc in localities]
        self.fields["year"].choices = everything + [(str(year), str(year)) for year in years]
        self.fields["tag"].choices = everything + [(tag.slug, tag.name) for tag in tags]
        for name, param in self.PARAMS.items():
            self.fields[name].widget.attrs["id"] = f"library-{name}"
            self.fields[name].html_param = param

    def narrows(self):
        """True when a valid filter or query leaves out some exemplars (sorting alone does not)."""
        return any(value for name, value in self.cleaned().items() if name != "sort")

    def cleaned(self):
        """The valid filters; a value that is not a choice is dropped instead of failing the page."""
        self.is_valid()
        values = {}
        for name in self.PARAMS:
            if name in getattr(self, "cleaned_data", {}):
                values[name] = self.cleaned_data[name]
            else:
                values[name] = ""
        return values


class ImportForm(forms.Form):
    """An agency's spreadsheet of exemplars: .xlsx or .csv, checked first (dry run), then imported all at once."""

    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_("First row: column headings as in the template. At most 5 MB."),
    )
    publish = forms.BooleanField(
        label=_("Publish the imported exemplars"),
        required=False,
        help_text=_("Leave unticked to import them as drafts for review."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Choose an .xlsx or .csv file."))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload
