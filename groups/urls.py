from django.urls import path

from groups import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("<slug:slug>/", views.group_detail, name="detail"),
]
