"""Italian staff read the whole admin in Italian: our pages and the libraries' ones.

The crawl signs in as Italian staff, opens every admin page and compares what a
person sees with the English strings of the libraries behind the admin (their
gettext catalogues) and with a few English words Italian never uses.
"""

import json
import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import allauth
import crispy_bootstrap5
import crispy_forms
import django
import django_celery_beat
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from groups.proposals import services as proposal_services
from groups.proposals.enums import CoAuthorState, ProposalState
from groups.proposals.models import Comment, ModerationAlert, Proposal, Report
from members import services as member_services
from members.admin import permission_label
from members.enums import Language, MemberStatus
from notifications.models import DigestRun, OutboxEmail
from tests.catalogues import read_catalogue
from tests.factories import (
    CandidacyFactory,
    CourseFactory,
    CourseTrainerFactory,
    DateSlotFactory,
    DocumentFactory,
    EnrolmentFactory,
    LeadCriterionFactory,
    LeadPartnerRequestFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    ProgrammeFactory,
    ResponsibilityFactory,
    RosterEntryFactory,
    RulesVersionFactory,
    SectorFactory,
    SkillFactory,
    StaffFactory,
    TrainerProposalFactory,
    VerifiedMemberFactory,
    proposal_in,
)
from training.models import Feedback, TrainingInterest

pytestmark = pytest.mark.django_db

LIBRARIES = [django, allauth, django_celery_beat, crispy_forms, crispy_bootstrap5]
ADMIN_LOCALE = Path(django.__file__).parent / "contrib" / "admin" / "locale"
ROOT = Path(__file__).resolve().parents[2]
OUR_CATALOGUES = [
    ROOT / "locale" / "it" / "LC_MESSAGES" / "django.po",
    ROOT / "locale_vendor" / "it" / "LC_MESSAGES" / "django.po",
]

# Words that never occur in Italian text, so any of them is a leftover the
# catalogues do not name (a string built in code, a permission name stored in
# the database, a loanword given an English plural). A word inside a dotted
# name ("proj.tasks.import_contacts") is code, not text.
ENGLISH_WORDS = re.compile(
    r"(?<![\w.])(Can (add|change|delete|view)|selected|Choose|Remove|Filter|Search|Clear|Show|Hide|Today|Yesterday|"
    r"Midnight|Noon|Save|Delete|Add|Change|History|View|Enabled|Disabled|Reset|Raw|stored|Translation|Scheduler|"
    r"Breadcrumbs|Accounts|content|every|task|tasks|the|and|you|your|with|this|is|are|was|were|AM|PM|"
    r"(?-i:True|False|None))(?![\w.])",
    re.IGNORECASE,
)
# Elements whose text is not shown; the rest of the page is read as text nodes,
# and also as runs of text across inline elements, so a sentence with a <strong>
# word inside still reads as the sentence.
HIDDEN = {"script", "style", "template"}
INLINE = {"a", "abbr", "b", "bdi", "cite", "code", "em", "i", "kbd", "mark", "q", "small", "span", "strong", "sub"}
INLINE |= {"sup", "time", "u", "var", "label"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}")


class VisibleText(HTMLParser):
    """The texts a person sees (or hears from a screen reader) on an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self.icons = []
        self._run = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN:
            self._hidden += 1
        if tag not in INLINE:
            self._end_run()
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.texts.append(attrs["value"])
        if tag == "link" and "icon" in (attrs.get("rel") or "").split():
            self.icons.append(attrs.get("href"))

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self._hidden -= 1
        if tag not in INLINE:
            self._end_run()

    def handle_data(self, data):
        if self._hidden or not data.strip():
            return
        self.texts.append(data)
        self._run.append(data)

    def _end_run(self):
        if len(self._run) > 1:
            self.texts.append("".join(self._run))
        self._run = []

    def close(self):
        super().close()
        self._end_run()


def _normal(text):
    return " ".join(re.sub(r"<[^>]+>", "", text).split()).rstrip(":").strip().casefold()


def _catalogue_pairs():
    """(English catalogues, Italian catalogue or None) for every gettext domain of the libraries."""
    for package in LIBRARIES:
        for locale_dir in sorted(Path(package.__file__).parent.rglob("locale")):
            languages = sorted(p.name for p in locale_dir.iterdir() if (p / "LC_MESSAGES").is_dir())
            # Without an English catalogue every translation lists the msgids; older ones miss the newest.
            sources = ["en"] if "en" in languages else languages
            for domain in sorted(
                {po.name for lang in sources for po in (locale_dir / lang / "LC_MESSAGES").glob("*.po")}
            ):
                english = [locale_dir / lang / "LC_MESSAGES" / domain for lang in sources]
                italian = locale_dir / "it" / "LC_MESSAGES" / domain
                yield [po for po in english if po.exists()], italian if italian.exists() else None


def _english_strings():
    """The libraries' msgids that are not also Italian, as exact texts and as patterns.

    A msgid counts as Italian where the library's Italian catalogue keeps it
    unchanged ("Email"), or where it is also an Italian msgstr of ours ("Date",
    plural of "data").
    """
    same_in_italian, english = set(), set()
    for english_pos, italian_po in _catalogue_pairs():
        for entry in (entry for po in english_pos for entry in read_catalogue(po)):
            english.update({entry.msgid, entry.msgid_plural} - {""})
        for entry in read_catalogue(italian_po) if italian_po else []:
            same_in_italian.update({entry.msgid, entry.msgid_plural} & set(entry.msgstrs))
    ours = {_normal(text) for po in OUR_CATALOGUES for entry in read_catalogue(po) for text in entry.msgstrs}
    # A language picker names each language in that language.
    ours |= {_normal(label) for _code, label in Language.choices}
    texts, patterns = set(), []
    for msgid in english - same_in_italian:
        if not PLACEHOLDER.search(msgid):
            texts.add(_normal(msgid))
        elif re.search(r"[a-z]{3}", PLACEHOLDER.sub("", msgid), re.IGNORECASE):
            patterns.append(".+?".join(re.escape(part) for part in PLACEHOLDER.split(_normal(msgid))))
    return texts - ours, re.compile("|".join(f"(?:{p})" for p in sorted(patterns)))


@pytest.fixture(scope="module")
def english_strings():
    return _english_strings()


def _english_on_page(html, english_strings):
    texts, patterns = english_strings
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    found = []
    for text in parser.texts:
        normal = _normal(text)
        if normal in texts or patterns.fullmatch(normal) or ENGLISH_WORDS.search(" ".join(text.split())):
            found.append(" ".join(text.split()))
    return sorted(set(found)), parser.icons


@pytest.fixture
def italian_staff():
    staff = StaffFactory(language="it")
    staff.user_permissions.add(Permission.objects.get(codename="change_member"))
    editors = Group.objects.create(name="Redazione")
    editors.permissions.add(*Permission.objects.filter(codename__in=["add_document", "view_meeting"]))
    staff.groups.add(editors)
    return staff


@pytest.fixture
def one_of_each(italian_staff):
    """An object of every model the admin shows, with the states that bring out its texts."""
    pending = MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED, membership_number="002002")
    member_services.verify_member(pending, actor=italian_staff)  # an action log row and an outbox e-mail
    DigestRun.objects.create(member=pending, period="w2026-W48", email=OutboxEmail.objects.first())
    MemberFactory(status=MemberStatus.VERIFICATION_REQUESTED, membership_number="003003")
    RosterEntryFactory()
    SkillFactory(sector=SectorFactory(name="Musica", slug="musica"))
    MembershipFactory()
    MeetingFactory()
    DateSlotFactory()
    DocumentFactory()
    CandidacyFactory()  # and its call
    ResponsibilityFactory(call=None)
    LeadCriterionFactory()
    LeadPartnerRequestFactory()
    RulesVersionFactory()
    every_two_minutes = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(name="Coda delle e-mail", task="notifications.sweep_outbox", interval=every_two_minutes)
    nightly = CrontabSchedule.objects.create(minute="30", hour="4", timezone="Europe/Rome")
    PeriodicTask.objects.create(name="Notturno", task="groups.send_meeting_reminders", crontab=nightly)
    SolarSchedule.objects.create(event="sunset", latitude="45.46", longitude="9.19")
    ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(days=1))
    _training_of_each()
    _proposals_in_every_state(italian_staff)
    _network_of_each()


def _network_of_each():
    """A survey with a question of each kind and its answers; a common project."""
    from tests.networking.factories import CommonProjectFactory, survey_with_every_kind

    survey_with_every_kind()
    CommonProjectFactory(skills=[SkillFactory()])


def _training_of_each():
    """A course with a seat, an open offer and a waiting list; a programme with an event; a
    reviewed proposal; an interest; a rating."""
    course = CourseFactory(capacity=2, programme=ProgrammeFactory(), price_members=Decimal("40"))
    CourseTrainerFactory(course=course)
    EnrolmentFactory(course=course)
    EnrolmentFactory(course=course, state="offered", offer_expires_at=timezone.now() + timedelta(days=1))
    EnrolmentFactory(course=course, state="waitlisted")
    start = timezone.now() + timedelta(days=3)
    course.programme.events.create(title="Incontro aperto", starts_at=start, ends_at=start + timedelta(hours=2))
    proposal = TrainerProposalFactory()
    proposal.reviews.create(reviewer=StaffFactory(), score=4, comment="Utile.")
    interest = TrainingInterest.objects.create(member=MemberFactory(), wish="Fotografia")
    interest.areas.add(course.area)
    Feedback.objects.create(course=course, member=MemberFactory(), rating=5, comment="Bello.")


def _proposals_in_every_state(staff):
    """Proposals whose pages show each text: an accepted one (the first: its page is crawled
    with every model's) with a co-author, an answer, a progress update and an alert; one
    waiting; a hidden one; comments hidden and removed; open and dismissed reports."""
    accepted = proposal_in(ProposalState.ACCEPTED, staff=staff)
    partner = MembershipFactory(group=accepted.group).member
    accepted.coauthors.create(member=partner, state=CoAuthorState.ACCEPTED)
    proposal_services.add_progress_update(accepted, actor=staff, text="Il calendario è online.")
    fan = VerifiedMemberFactory()
    proposal_services.support(accepted, fan)
    comment = proposal_services.add_comment(accepted, author=fan, text="Ottima idea.")
    proposal_services.report(accepted, reporter=partner, reason="Offensivo.", comment=comment)
    dismissed = proposal_services.report(accepted, reporter=fan, reason="Non mi piace.")
    proposal_services.dismiss_report(dismissed, actor=staff)
    hidden_comment = proposal_services.add_comment(accepted, author=fan, text="Fuori tema.")
    proposal_services.hide_comment(hidden_comment, actor=staff, reason="Fuori tema.")
    removed = proposal_services.add_comment(accepted, author=partner, text="Ci ripenso.")
    proposal_services.remove_comment(removed, author=partner)
    waiting = proposal_in(ProposalState.SUBMITTED, staff=staff)
    ModerationAlert.objects.create(proposal=waiting)
    hidden = proposal_in(ProposalState.PUBLISHED, staff=staff)
    proposal_services.hide_proposal(hidden, actor=staff, reason="Dati personali.")


def _admin_pages(staff):
    """Every page of the admin that shows a registered model, with the method and data to ask for it."""
    request = RequestFactory().get(reverse("admin:index"))
    request.user = staff
    pages = [("get", reverse("admin:index"), None)]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        info = f"admin:{opts.app_label}_{opts.model_name}"
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"create a {opts.label} in the fixture, so its pages are crawled too"
        changelist = reverse(f"{info}_changelist")
        app_list = reverse("admin:app_list", args=[opts.app_label])
        if ("get", app_list, None) not in pages:
            pages.append(("get", app_list, None))
        pages += [("get", changelist, None), ("get", f"{changelist}?q=zzz", None)]
        if model_admin.date_hierarchy:
            year = getattr(obj, model_admin.date_hierarchy) or timezone.now()
            pages.append(("get", f"{changelist}?{model_admin.date_hierarchy}__year={year.year}", None))
        if model_admin.has_add_permission(request):
            pages.append(("get", reverse(f"{info}_add"), None))
        pages += [
            ("get", reverse(f"{info}_change", args=[obj.pk]), None),
            ("get", reverse(f"{info}_history", args=[obj.pk]), None),
        ]
        if model_admin.has_delete_permission(request, obj):
            pages.append(("get", reverse(f"{info}_delete", args=[obj.pk]), None))
        if "delete_selected" in model_admin.get_actions(request):
            pages.append(("post", changelist, {"action": "delete_selected", "_selected_action": [obj.pk]}))
    return pages


def _proposals_admin_pages():
    """The moderation's own admin views: forms, their errors, decisions and bulk actions."""
    waiting = Proposal.objects.get(state=ProposalState.SUBMITTED)
    accepted = Proposal.objects.get(state=ProposalState.ACCEPTED)
    hidden = Proposal.objects.exclude(hidden_at=None).get()
    comment = Comment.objects.get(removed_at=None, hidden_at=None)
    report = Report.objects.open().get()
    changelist = reverse("admin:groups_proposal_changelist")
    return [
        ("get", reverse("admin:groups_proposal_change", args=[waiting.pk]), None),
        ("get", reverse("admin:groups_proposal_change", args=[hidden.pk]), None),
        ("get", reverse("admin:groups_comment_change", args=[Comment.objects.exclude(hidden_at=None).get().pk]), None),
        ("get", reverse("admin:groups_proposaltomoderate_changelist"), None),
        ("get", f"{reverse('admin:groups_proposal_reject')}?ids={waiting.pk}", None),
        ("post", reverse("admin:groups_proposal_reject"), {"ids": str(waiting.pk), "reason": ""}),
        ("get", f"{reverse('admin:groups_proposal_reject')}?ids={accepted.pk}", None),
        ("post", changelist, {"action": "reject_selected", "_selected_action": [waiting.pk]}),
        ("get", reverse("admin:groups_proposal_answer", args=[accepted.pk]), None),
        ("post", reverse("admin:groups_proposal_answer", args=[accepted.pk]), {"text": ""}),
        ("post", reverse("admin:groups_proposal_answer", args=[waiting.pk]), {}),
        ("get", reverse("admin:groups_proposal_progress", args=[accepted.pk]), None),
        ("post", reverse("admin:groups_proposal_progress", args=[accepted.pk]), {"text": ""}),
        ("post", reverse("admin:groups_proposal_progress", args=[waiting.pk]), {"text": "Avanti."}),
        ("get", reverse("admin:groups_proposal_hide", args=[accepted.pk]), None),
        ("post", reverse("admin:groups_proposal_hide", args=[accepted.pk]), {"reason": ""}),
        ("post", reverse("admin:groups_proposal_hide", args=[hidden.pk]), {"reason": "Di nuovo."}),
        ("get", reverse("admin:groups_comment_hide", args=[comment.pk]), None),
        ("post", reverse("admin:groups_comment_hide", args=[comment.pk]), {"reason": ""}),
        ("get", reverse("admin:groups_report_hide", args=[report.pk]), None),
        ("post", reverse("admin:groups_report_hide", args=[report.pk]), {"reason": ""}),
        ("post", reverse("admin:groups_report_changelist"), {"action": "dismiss_selected", "_selected_action": []}),
        ("post", reverse("admin:groups_report_dismiss", args=[report.pk]), {}),
        ("post", changelist, {"action": "publish_selected", "_selected_action": [waiting.pk, accepted.pk]}),
        ("post", reverse("admin:groups_proposal_publish", args=[waiting.pk]), {}),
        ("post", reverse("admin:groups_proposal_restore", args=[hidden.pk]), {}),
        ("post", reverse("admin:groups_comment_restore", args=[Comment.objects.exclude(hidden_at=None).get().pk]), {}),
    ]


def _members_admin_pages(staff):
    """The members app's own admin views."""
    pending = type(staff).objects.get(membership_number="003003")
    return [
        ("get", f"{reverse('admin:members_member_refuse')}?ids={pending.pk}", None),
        ("post", reverse("admin:members_member_refuse"), {"ids": str(pending.pk), "reason": ""}),
        ("post", reverse("admin:members_member_verify", args=[pending.pk]), {}),
        ("get", reverse("admin:members_rosterentry_import"), None),
        ("post", reverse("admin:members_rosterentry_import"), {}),
        ("get", reverse("admin:auth_user_password_change", args=[pending.pk]), None),
        ("post", reverse("admin:auth_user_password_change", args=[pending.pk]), {"password1": "x"}),
        ("post", reverse("admin:logout"), {}),
    ]


def test_admin_pages_show_no_english_to_italian_staff(client, italian_staff, one_of_each, english_strings):
    client.force_login(italian_staff)
    findings, without_icon = [], []

    pages = _admin_pages(italian_staff) + _proposals_admin_pages() + _members_admin_pages(italian_staff)
    for method, url, data in pages:
        response = getattr(client, method)(url, data, follow=True)
        assert response.status_code == 200, f"{method} {url}: {response.status_code}"
        english, icons = _english_on_page(response.content.decode(), english_strings)
        findings += [f"{method} {url}: {text}" for text in english]
        if icons != [static("img/favicon.svg")]:
            without_icon.append(url)

    assert findings == []
    assert without_icon == []


def _javascript_catalogue(response):
    return json.loads(re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.DOTALL).group(1))


def _javascript_key(entry):
    # How Django's JavaScriptCatalog names an entry with a context.
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def test_admin_javascript_catalogue_is_italian(client, italian_staff):
    """The filter_horizontal widget, calendar and clock draw their texts from this catalogue."""
    client.force_login(italian_staff)
    italian_upstream = read_catalogue(ADMIN_LOCALE / "it" / "LC_MESSAGES" / "djangojs.po")
    same_in_italian = {_javascript_key(e) for e in italian_upstream if e.msgid in e.msgstrs}

    catalogue = _javascript_catalogue(client.get(reverse("admin:jsi18n")))

    untranslated = [
        _javascript_key(entry)
        for entry in read_catalogue(ADMIN_LOCALE / "en" / "LC_MESSAGES" / "djangojs.po")
        if _javascript_key(entry) not in same_in_italian
        and catalogue.get(_javascript_key(entry)) in (None, entry.msgid, [entry.msgid, entry.msgid_plural])
    ]
    assert untranslated == []


def test_admin_delete_action_reads_the_same_for_any_noun(client, italian_staff):
    client.force_login(italian_staff)

    page = client.get(reverse("admin:members_member_changelist")).content.decode()

    actions = dict(re.findall(r'<option value="(\w+)">([^<]*)</option>', page))
    assert actions["delete_selected"] == "Elimina gli elementi selezionati (persone)"


def test_admin_permission_label_is_italian():
    permission = Permission.objects.select_related("content_type").get(codename="add_member")

    with translation.override("it"):
        assert permission_label(permission) == "Soci e socie | persona | Può aggiungere"
