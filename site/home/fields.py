"""Form fields that answer any submitted value with a validation error, never a server error."""

from django import forms


class ModelChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField, except that an id too large for the database is an invalid choice, not a 500.

    SQLite raises OverflowError for an integer beyond 64 bits before Django can call it a missing row.
    """

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The multiple-choice field with the same guard for ids too large for the database."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": "…"}
            ) from None
