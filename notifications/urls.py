from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifiche/", views.notification_list, name="list"),
    path("notifiche/campanella/", views.bell, name="bell"),
    path("notifiche/lette/", views.mark_all_read, name="mark_all_read"),
    path("notifiche/<int:pk>/letta/", views.mark_read, name="mark_read"),
    path("profilo/preferenze/", views.preferences, name="preferences"),
    path("profilo/preferenze/riepilogo/", views.digest_preview, name="digest_preview"),
]
