from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from members.models import Member
from notifications.services import make_message, store_email


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        """Refuse an address longer than an account can hold. Django's EmailValidator lets
        through up to 320 characters, and allauth would store the address cut to the field's
        length (allauth.account.internal.userkit.user_field): an account with somebody else's
        address. Every allauth form that takes an address (sign-up, adding an address,
        password reset) asks this hook."""
        limit = Member._meta.get_field("email").max_length
        if len(email) > limit:
            raise ValidationError(
                _("This e-mail address is too long: it can have at most %(limit)d characters.") % {"limit": limit},
                code="email_too_long",
            )
        return super().clean_email(email)

    def send_mail(self, template_prefix, email, context):
        """Account e-mails (verification, password reset) go through the outbox too,
        rendered like every other e-mail (plain text unescaped, the receiver's
        language and time zone): a broker outage must not lose a sign-up link."""
        member = Member.objects.filter(email__iexact=email).first()
        language = member.language if member else translation.get_language()
        time_zone = member.time_zone if member else settings.TIME_ZONE
        # The address, as allauth's own send_mail gives it: the "you already have an
        # account" and "no account here" e-mails name it.
        context = {"email": email, **context}
        subject, text, html = make_message(template_prefix, context, language=language, time_zone=time_zone)
        store_email(
            to=email,
            recipient=member,
            kind=template_prefix,
            subject=self.format_email_subject(subject),
            text=text.strip(),
            html=html,
        )
