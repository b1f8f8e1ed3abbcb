from django.urls import path

from networking.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<slug:slug>/", views.survey_detail, name="detail"),
    path("<slug:slug>/risultati/", views.survey_results, name="results"),
    path("<slug:slug>/risposte.csv", views.survey_export, name="export"),
]
