"""reCAPTCHA for public forms: on only when RECAPTCHA_ENABLED, and an unreachable Google is a form error, not a 500."""

import logging
from urllib.error import URLError

from django_recaptcha.fields import ReCaptchaField

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class CaptchaField(ReCaptchaField):
    default_error_messages = {
        "captcha_invalid": _("Please confirm that you are not a robot."),
        "captcha_error": _("We could not check the anti-robot test; please try again."),
    }

    def validate(self, value):
        try:
            super().validate(value)
        except (URLError, TimeoutError, ConnectionError) as error:
            logger.warning("reCAPTCHA unreachable: %s", error)
            raise ValidationError(self.error_messages["captcha_error"], code="captcha_error") from None


def add_captcha(form, name="captcha"):
    """Give `form` a captcha field when the site switches reCAPTCHA on."""
    if settings.RECAPTCHA_ENABLED:
        form.fields[name] = CaptchaField(label=_("Anti-robot check"))
