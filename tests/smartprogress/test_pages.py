import re

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.urls import reverse

from groups.models import DiscussionPrompt, WorkingGroup
from members.models import Member
from tests.factories import DiscussionPromptFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db


def test_home_visitor_sees_presentation_and_groups(client):
    group = WorkingGroupFactory(name="Formazione")

    response = client.get("/")

    html = response.content.decode()
    assert "Costruiamo partecipazione e comunità." in html
    assert group.name in html
    assert "Registrati e partecipa" in html


def test_home_member_sees_dashboard(client, member):
    client.force_login(member)

    response = client.get("/")

    html = response.content.decode()
    assert f"Ciao, {member.get_short_name()}" in html
    assert "Chiedi la verifica come socio/a" in html


def test_home_query_count_does_not_grow_with_groups(client, django_assert_num_queries):
    WorkingGroupFactory()
    with django_assert_num_queries(1):
        client.get("/")
    for _ in range(4):
        DiscussionPromptFactory(group=WorkingGroupFactory())
    with django_assert_num_queries(1):
        client.get("/")


def test_group_list_query_count_does_not_grow(client, django_assert_num_queries):
    WorkingGroupFactory()
    with django_assert_num_queries(1):
        client.get("/gruppi/")
    WorkingGroupFactory.create_batch(5)
    with django_assert_num_queries(1):
        client.get("/gruppi/")


def test_group_detail_shows_prompts_under_headings(client):
    prompt = DiscussionPromptFactory(heading="Regole", text="Chi fa cosa?")

    response = client.get(f"/gruppi/{prompt.group.slug}/")

    html = response.content.decode()
    assert '<h3 class="h5">Regole</h3>' in html
    assert "<li>Chi fa cosa?</li>" in html


def test_archived_group_is_not_found(client):
    from django.utils import timezone

    group = WorkingGroupFactory(archived_at=timezone.now())

    assert client.get(f"/gruppi/{group.slug}/").status_code == 404


def test_404_page_is_italian(client):
    response = client.get("/non-esiste/")

    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


def test_pages_carry_strict_csp_and_no_inline_code(client):
    response = client.get("/")

    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html and "<style" not in html


def test_skip_link_targets_main(client):
    html = client.get("/").content.decode()

    assert 'href="#main"' in html and 'id="main"' in html


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo", allow_production=True)
    counts = (Member.objects.count(), WorkingGroup.objects.count(), DiscussionPrompt.objects.count())
    call_command("seed_demo", allow_production=True)

    assert (Member.objects.count(), WorkingGroup.objects.count(), DiscussionPrompt.objects.count()) == counts
    assert counts[0] == 13
    assert sorted(WorkingGroup.objects.values_list("name", flat=True)) == [
        "Dentro e fuori i bandi",
        "Formazione",
        "Ricerca e sviluppo",
    ]
    assert "smart-demo-2020" in capsys.readouterr().out
    staff = Member.objects.get(email="staff@smartinprogress.example")
    assert staff.is_staff and staff.check_password("smart-demo-2020")


def test_seed_demo_refuses_to_run_in_production_without_flag():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo")


def test_500_page_is_italian_and_needs_no_database():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Qualcosa è andato storto" in html


def test_favicon_ico_redirects_to_the_static_icon(client):
    """Pages that name no icon (a PDF, a JSON answer) make the browser ask for /favicon.ico."""
    response = client.get("/favicon.ico")

    assert (response.status_code, response.headers["Location"]) == (301, static("img/favicon.svg"))


def test_admin_page_links_the_static_icon(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:index"))

    assert re.findall(r'<link rel="icon" href="([^"]+)"', response.content.decode()) == [static("img/favicon.svg")]
