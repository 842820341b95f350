"""Forms for the second sign-in step: a code from the authenticator app or a backup code."""

from django_otp import match_token

from django import forms
from django.utils.translation import gettext_lazy as _


def _normalise(token):
    return "".join(token.split()).replace("-", "").lower()


class AuthenticatorCodeForm(forms.Form):
    """Confirms a new authenticator: only its current six-digit code is accepted."""

    token = forms.CharField(
        label=_("Six-digit code from the app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = _normalise(self.cleaned_data["token"])
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError(_("This code is wrong or has expired. Enter the code the app shows now."))
        return token


class SecondFactorForm(forms.Form):
    """The second step of every staff sign-in: an authenticator code or one unused backup code."""

    token = forms.CharField(
        label=_("Code from the authenticator app, or a backup code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_token(self):
        token = _normalise(self.cleaned_data["token"])
        self.device = match_token(self.user, token) if token else None
        if self.device is None:
            raise forms.ValidationError(_("This code is wrong, expired or already used. Please try again."))
        return token
