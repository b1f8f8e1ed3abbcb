from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.models import DigestRun, OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "kind", "sent_at", "attempts"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["send_now"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected unsent e-mails now"))
    def send_now(self, request, queryset):
        # Staff retry after fixing the cause: start the attempts afresh.
        queryset.unsent().update(attempts=0, claimed_at=None, retry_after=None)
        sent = sum(services.send_outbox_email(pk) for pk in queryset.unsent().values_list("pk", flat=True))
        self.message_user(
            request, ngettext("%(count)d e-mail sent.", "%(count)d e-mails sent.", sent) % {"count": sent}
        )


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = ["member", "period", "created_at", "email"]
    search_fields = ["member__email", "period"]
    list_select_related = ["member", "email"]
    readonly_fields = [f.name for f in DigestRun._meta.fields]

    def has_add_permission(self, request):
        return False
