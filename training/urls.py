from django.urls import path

from training import views

# Fixed paths first: a course's slug may not take one of them (models.RESERVED_SLUGS).
app_name = "training"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("proponi/", views.propose, name="propose"),
    path("proposte/", views.proposals, name="proposals"),
    path("proposte/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposte/<int:pk>/valuta/", views.proposal_review, name="proposal_review"),
    path("proposte/<int:pk>/decidi/", views.proposal_decide, name="proposal_decide"),
    path("interessi/", views.interests, name="interests"),
    path("domanda/", views.demand, name="demand"),
    path("iscrizioni/", views.my_courses, name="my_courses"),
    path("programmi/<slug:slug>/", views.programme_detail, name="programme"),
    path("<slug:slug>/", views.course_detail, name="course"),
    path("<slug:slug>.ics", views.course_ics, name="course_ics"),
    path("<slug:slug>/iscriviti/", views.enrol, name="enrol"),
    path("<slug:slug>/annulla/", views.cancel, name="cancel"),
    path("<slug:slug>/accetta/", views.accept, name="accept"),
    path("<slug:slug>/valutazione/", views.rate, name="rate"),
    path("<slug:slug>/presenze/", views.attendance, name="attendance"),
    path("<slug:slug>/presenze/foglio/", views.attendance_sheet, name="attendance_sheet"),
    path("<slug:slug>/presenze/<int:pk>/", views.attendance_mark, name="attendance_mark"),
    path("<slug:slug>/iscrizioni.csv", views.export, name="export"),
]
