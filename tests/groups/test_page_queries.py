"""Regression guard for the main pages that had no query-count test of their own: the count
is the same with one row and with many, and at most 12 (issue 8's target). The other main
pages are guarded next to their views (test_views.py of each app, test_pages.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups import services
from groups.enums import Answer, DocumentVisibility
from tests.factories import (
    DocumentFactory,
    MeetingFactory,
    MembershipFactory,
    VerifiedMemberFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db
MOST = 12


def test_meeting_page_queries_constant(client, verified_member, django_assert_num_queries):
    meeting = MeetingFactory()
    MembershipFactory(group=meeting.group, member=verified_member)
    services.answer_meeting(meeting, verified_member, Answer.YES)
    DocumentFactory(group=meeting.group, meeting=meeting, visibility=DocumentVisibility.MEMBERS)
    client.force_login(verified_member)
    # The documents are read once per version of the group (groups/pagecache.py), then come
    # from Redis: session, member, meeting with its group and the reader's membership, answers.
    with django_assert_num_queries(5):
        client.get(f"/incontri/{meeting.pk}/")
    with django_assert_num_queries(4):
        client.get(f"/incontri/{meeting.pk}/")
    for n in range(8):
        other = MembershipFactory(group=meeting.group).member
        services.answer_meeting(meeting, other, (Answer.YES, Answer.MAYBE, Answer.NO)[n % 3])
        DocumentFactory(group=meeting.group, meeting=meeting, visibility=DocumentVisibility.MEMBERS)
    with django_assert_num_queries(5):
        client.get(f"/incontri/{meeting.pk}/")
    with django_assert_num_queries(4):
        response = client.get(f"/incontri/{meeting.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("https://example.org/documento") == 9
    assert "Sì</strong> (4)" in html


def test_personal_feed_queries_constant(client, verified_member, django_assert_max_num_queries):
    group = WorkingGroupFactory()
    MembershipFactory(group=group, member=verified_member)
    MeetingFactory(group=group)
    token = verified_member.ensure_calendar_token()
    with django_assert_max_num_queries(MOST) as few:
        client.get(f"/calendario/{token}.ics")
    for days in range(1, 9):
        other = WorkingGroupFactory()
        MembershipFactory(group=other, member=verified_member)
        MeetingFactory(group=other, starts_at=timezone.now() + timedelta(days=days))
        MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=days))
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(f"/calendario/{token}.ics")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.content.count(b"BEGIN:VEVENT") == 17


def test_documents_page_for_a_member_queries_constant(client, django_assert_num_queries):
    reader = VerifiedMemberFactory()
    group = WorkingGroupFactory()
    MembershipFactory(group=group, member=reader)
    DocumentFactory(group=group, visibility=DocumentVisibility.GROUP)
    client.force_login(reader)
    # session, user, the reader's groups, the groups and their documents; from the cache
    # session, user and the reader's groups (the key of what they may see)
    with django_assert_num_queries(5):
        client.get("/documenti/")
    with django_assert_num_queries(3):
        client.get("/documenti/")
    for visibility in DocumentVisibility.values * 3:
        DocumentFactory(group=WorkingGroupFactory(), visibility=visibility)
        DocumentFactory(group=group, visibility=visibility)
    with django_assert_num_queries(5):
        client.get("/documenti/")
    with django_assert_num_queries(3):
        client.get("/documenti/")
