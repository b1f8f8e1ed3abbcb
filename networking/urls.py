from django.urls import path

from networking import views

app_name = "networking"
urlpatterns = [
    path("", views.home, name="home"),
    path("soci/<int:pk>/", views.profile, name="profile"),
    path("soci/<int:pk>/contatta/", views.contact, name="contact"),
    path("soci/<int:pk>/blocca/", views.block, name="block"),
    path("messaggi/", views.inbox, name="inbox"),
    path("progetti/", views.project_list, name="projects"),
    path("progetti/nuovo/", views.project_new, name="project_new"),
    path("progetti/<int:pk>/", views.project_detail, name="project"),
    path("progetti/<int:pk>/interesse/", views.project_interest, name="project_interest"),
    path("progetti/<int:pk>/collaboratori/<int:interest>/accetta/", views.project_accept, name="project_accept"),
    path("progetti/<int:pk>/chiudi/", views.project_close, name="project_close"),
]
