from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("verifica/", views.verification, name="verification"),
    path("calendario/rinnova/", views.renew_calendar, name="renew_calendar"),
]
