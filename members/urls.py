from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("verifica/", views.verification, name="verification"),
    path("dati/", views.my_data, name="my_data"),
    path("dati/scarica/", views.my_data_download, name="my_data_download"),
    path("elimina/", views.erase, name="erase"),
    path("calendario/rinnova/", views.renew_calendar, name="renew_calendar"),
]
