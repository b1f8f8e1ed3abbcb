from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from members.models import Member
from notifications.services import store_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Account e-mails (verification, password reset) go through the outbox too,
        in the receiver's language: a broker outage must not lose a sign-up link."""
        member = Member.objects.filter(email__iexact=email).first()
        language = member.language if member else translation.get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        store_email(
            to=email, recipient=member, kind=template_prefix, subject=message.subject, text=message.body, html=html
        )
