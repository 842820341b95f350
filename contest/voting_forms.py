"""Forms of the readers' vote: the e-mail address (with the robot check) and the 6-digit confirmation code."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .captcha import add_captcha
from .voting_email import is_disposable


class VoteForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send a link and a code to this address; your vote counts once you confirm it."),
        error_messages={
            "required": _("Please enter your e-mail address."),
            "invalid": _("Please enter a valid e-mail address."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_captcha(self)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if is_disposable(email):
            raise ValidationError(
                _("Temporary (disposable) e-mail addresses cannot be used to vote. Please use your own address."),
                code="disposable",
            )
        return email


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Confirmation code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={
            "required": _("Please enter the 6-digit code from the e-mail."),
            "invalid": _("The code has 6 digits."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )
