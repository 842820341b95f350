"""Judging forms: the score sheet built from a round's rubric, conflicts, advancement and manual assignment."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from home.fields import ModelChoiceField

from ..models import AdvancementRule, Aggregation, Decision


class ScoreSheetForm(forms.Form):
    """One integer field per criterion, bounded by its range, and the judge's comment.

    A draft may be incomplete; a submitted sheet needs every criterion, and a comment whenever a score sits at an
    extreme (0 or the maximum), where a judge's reasons matter most.
    """

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when a criterion gets 0 or its maximum."),
    )

    def __init__(self, *args, criteria, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.submitting = submitting
        for criterion in self.criteria:
            self.fields[self.field_name(criterion)] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_points,
                required=False,
                help_text=criterion.description,
                error_messages={
                    "min_value": _("The lowest score is 0."),
                    "max_value": _("The highest score for this criterion is %(limit_value)s."),
                    "invalid": _("Enter a whole number."),
                },
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": criterion.max_points,
                        "step": 1,
                        "inputmode": "numeric",
                        "data-weight": f"{float(criterion.weight):g}",
                    }
                ),
            )
        self.order_fields([self.field_name(c) for c in self.criteria] + ["comment"])

    @staticmethod
    def field_name(criterion):
        return f"criterion_{criterion.pk}"

    def criterion_fields(self):
        return [(criterion, self[self.field_name(criterion)]) for criterion in self.criteria]

    def clean(self):
        cleaned = super().clean()
        if not self.submitting:
            return cleaned
        extremes = False
        for criterion in self.criteria:
            name = self.field_name(criterion)
            value = cleaned.get(name)
            if value is None:
                if name not in self.errors:
                    self.add_error(name, _("Give a score for every criterion before submitting."))
                continue
            extremes = extremes or value in (0, criterion.max_points)
        if extremes and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Explain in a comment why a criterion gets 0 or its maximum."))
        return cleaned

    def points(self):
        return {
            c.pk: self.cleaned_data[self.field_name(c)]
            for c in self.criteria
            if self.cleaned_data.get(self.field_name(c)) is not None
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the author is a relative or a colleague. Only the organisers read it."),
        error_messages={"required": _("Say briefly why you cannot judge this entry.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say briefly why you cannot judge this entry."))
        return reason


class AdvancementForm(forms.Form):
    method = forms.ChoiceField(label=_("Ranking method"), choices=Aggregation.choices)
    rule = forms.ChoiceField(label=_("Who advances"), choices=AdvancementRule.choices)
    value = forms.DecimalField(label=_("How many, or the minimum score"), min_value=0, max_digits=7, decimal_places=2)

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value")
        if cleaned.get("rule") == AdvancementRule.TOP_N and value is not None and (value != int(value) or value < 1):
            self.add_error("value", _("The number of entries that advance must be a whole number of at least 1."))
        return cleaned


class DecisionForm(forms.Form):
    round_entry = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[(Decision.ADVANCES, Decision.ADVANCES.label), (Decision.STOPS, Decision.STOPS.label)]
    )


class ManualAssignmentForm(forms.Form):
    judge = ModelChoiceField(label=_("Judge"), queryset=None)
    entry = ModelChoiceField(label=_("Entry"), queryset=None)

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        from ..models import Entry

        self.fields["judge"].queryset = round.judges.order_by("first_name", "last_name", "username")
        self.fields["judge"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["entry"].queryset = Entry.objects.filter(round_entries__round=round).order_by("receipt_number")
        self.fields["entry"].label_from_instance = lambda e: f"{e.code} — {e.title}"


class RoundAdminForm(WagtailAdminModelForm):
    """The round's admin form: judges chosen from the jury group, and a rubric that stops changing once scored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from ..models import ContestPage
        from ..roles import JURY

        if "judges" in self.fields:
            # The widget first: setting the queryset hands its choices to whichever widget is in place.
            self.fields["judges"].widget = forms.CheckboxSelectMultiple()
            self.fields["judges"].queryset = (
                get_user_model().objects.filter(groups__name=JURY, is_active=True).order_by("first_name", "username")
            )
            self.fields["judges"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if "edition" in self.fields:
            self.fields["edition"] = ModelChoiceField(
                label=_("Edition"), queryset=ContestPage.objects.order_by("-year")
            )

    def clean(self):
        cleaned = super().clean()
        from ..models import Score

        if self.instance.pk and Score.objects.filter(sheet__assignment__round=self.instance).exists():
            formset = self.formsets.get("criteria")
            changed = False
            for form in getattr(formset, "forms", []):
                if not form.is_valid():
                    continue
                if not form.instance.pk:
                    changed = changed or form.has_changed()
                elif form.cleaned_data.get("DELETE") or {"max_points", "weight"} & set(form.changed_data):
                    changed = True
            if changed:
                raise ValidationError(_("Judges have started scoring: the rubric can no longer change."))
        return cleaned


class AnonymisedTextForm(forms.Form):
    text = forms.CharField(
        label=_("Text judges read in blind rounds"),
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=100_000,
        help_text=_("Remove the author's name and anything else that identifies them; keep everything else as sent."),
        error_messages={"required": _("The text cannot be empty.")},
    )
