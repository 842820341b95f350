"""reCAPTCHA for public forms: switched by RECAPTCHA_ENABLED; an unreachable Google is a form error, never a 500."""

from django_recaptcha.fields import ReCaptchaField

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class CaptchaField(ReCaptchaField):
    """django-recaptcha's field, with Vietnamese errors and network failures turned into a "try again" error."""

    default_error_messages = {
        "required": _("Please confirm that you are not a robot."),
        "captcha_invalid": _("We could not confirm that you are not a robot. Please try again."),
        "captcha_error": _("The robot check is unavailable right now. Please try again in a moment."),
    }

    def validate(self, value):
        try:
            super().validate(value)
        except OSError as error:  # URLError, timeouts, refused connections: Google unreachable from the server
            raise ValidationError(self.error_messages["captcha_error"], code="captcha_error") from error


def add_captcha(form: forms.Form, name="captcha"):
    """Add the captcha to `form` when the site has it switched on (production)."""
    if settings.RECAPTCHA_ENABLED:
        form.fields[name] = CaptchaField(label=_("Robot check"))
