from django.urls import path

from groups.proposals import views

app_name = "proposals"
urlpatterns = [
    path("proposte/", views.proposal_list, name="list"),
    path("gruppi/<slug:slug>/proposte/", views.proposal_list, name="group_list"),
    path("gruppi/<slug:slug>/proposte/nuova/", views.proposal_create, name="create"),
    path("proposte/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposte/<int:pk>/modifica/", views.proposal_edit, name="edit"),
    path("proposte/<int:pk>/invia/", views.proposal_submit, name="submit"),
    path("proposte/<int:pk>/ritira/", views.proposal_withdraw, name="withdraw"),
    path("proposte/<int:pk>/riapri/", views.proposal_reopen, name="reopen"),
    path("proposte/<int:pk>/invito/", views.invitation_answer, name="invitation"),
    path("proposte/<int:pk>/allegati/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("proposte/<int:pk>/allegati/<int:attachment_pk>/rimuovi/", views.attachment_remove, name="attachment_remove"),
    path("proposte/<int:pk>/sostegno/", views.support, name="support"),
    path("proposte/<int:pk>/commenti/", views.comment_add, name="comment"),
    path("proposte/<int:pk>/commenti/<int:comment_pk>/modifica/", views.comment_edit, name="comment_edit"),
    path("proposte/<int:pk>/commenti/<int:comment_pk>/rimuovi/", views.comment_remove, name="comment_remove"),
    path("proposte/<int:pk>/segnala/", views.report, name="report"),
    path("proposte/<int:pk>/commenti/<int:comment_pk>/segnala/", views.report, name="comment_report"),
]
