from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from members.models import Member
from notifications.services import make_message, store_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Account e-mails (verification, password reset) go through the outbox too,
        rendered like every other e-mail (plain text unescaped, the receiver's
        language and time zone): a broker outage must not lose a sign-up link."""
        member = Member.objects.filter(email__iexact=email).first()
        language = member.language if member else translation.get_language()
        time_zone = member.time_zone if member else settings.TIME_ZONE
        subject, text, html = make_message(template_prefix, context, language=language, time_zone=time_zone)
        store_email(
            to=email,
            recipient=member,
            kind=template_prefix,
            subject=self.format_email_subject(subject),
            text=text.strip(),
            html=html,
        )
