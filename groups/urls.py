from django.urls import path

from groups import views

app_name = "groups"
urlpatterns = [
    path("gruppi/", views.group_list, name="list"),
    path("gruppi/<slug:slug>/", views.group_detail, name="detail"),
    path("gruppi/<slug:slug>/partecipa/", views.join, name="join"),
    path("gruppi/<slug:slug>/lascia/", views.leave, name="leave"),
    path("gruppi/<slug:slug>/richieste/<int:pk>/", views.decide_request, name="decide_request"),
    path("gruppi/<slug:slug>/partecipanti/", views.participants, name="participants"),
    path("gruppi/<slug:slug>/partecipanti/<int:pk>/facilitatore/", views.appoint, name="appoint"),
    path("gruppi/<slug:slug>/incontri/", views.meeting_list, name="meetings"),
    path("gruppi/<slug:slug>/incontri/nuovo/", views.meeting_create, name="meeting_create"),
    path("gruppi/<slug:slug>/date/", views.poll_list, name="polls"),
    path("gruppi/<slug:slug>/date/nuovo/", views.poll_create, name="poll_create"),
    path("gruppi/<slug:slug>/date/<int:pk>/", views.poll_detail, name="poll"),
    path("gruppi/<slug:slug>/date/<int:pk>/chiudi/", views.poll_close, name="poll_close"),
    path("gruppi/<slug:slug>/documenti/nuovo/", views.document_create, name="document_create"),
    path("incontri/<int:pk>/", views.meeting_detail, name="meeting"),
    path("incontri/<int:pk>.ics", views.meeting_ics, name="meeting_ics"),
    path("incontri/<int:pk>/risposta/", views.meeting_answer, name="meeting_answer"),
    path("incontri/<int:pk>/modifica/", views.meeting_edit, name="meeting_edit"),
    path("incontri/<int:pk>/annulla/", views.meeting_cancel, name="meeting_cancel"),
    path("incontri/<int:pk>/verbale/", views.meeting_minutes, name="meeting_minutes"),
    path("documenti/", views.documents, name="documents"),
    path("documenti/<int:pk>/scarica/", views.document_download, name="document_download"),
    path("calendario/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
