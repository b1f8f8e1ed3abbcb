from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from members import views as member_views
from notifications import views as notification_views
from smartprogress import views

# The admin signs in through allauth, so its login has the same rate limits.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Smart in Progress: administration")
admin.site.site_title = "Smart in Progress"
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("bench/baseline/", views.bench_baseline, name="bench_baseline"),
    path("lingua/", member_views.set_language, name="set_language"),
    path("", include("groups.urls")),
    path("", include("groups.proposals.urls")),
    path("bandi/", include("calls.urls")),
    path("formazione/", include("training.urls")),
    path("rete/", include("networking.urls")),
    path("questionari/", include("networking.surveys.urls")),
    path("", include("notifications.urls")),
    # Outside the app's namespace: the address goes into e-mail headers, keep it short.
    path("disiscrizione/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("profilo/", include("members.urls")),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
