"""An axe-core scan of the calls' main pages, as each person sees them after scripts ran;
the same pages are also checked by the Nu HTML checker."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from calls.models import Candidacy, FundingCall, LeadPartnerRequest, OpenRole
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import SERIOUS
from tests.factories import PASSWORD, StaffFactory, VerifiedMemberFactory
from tests.html_check import nu_errors


@pytest.fixture
def calls_world(transactional_db, settings, tmp_path):
    from calls.demo import seed_calls

    settings.MEDIA_ROOT = tmp_path / "media"
    applicants = [VerifiedMemberFactory() for _ in range(5)]
    reviewer, staff = VerifiedMemberFactory(), StaffFactory()
    seed_calls(applicants, reviewer, staff)
    return {"applicant": applicants[0], "reviewer": reviewer, "staff": staff}


def _serious(page):
    results = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"] if v["impact"] in SERIOUS
    ]


def test_calls_pages_have_no_serious_accessibility_violation(new_page, calls_world, tmp_path):
    ranked = FundingCall.objects.get(slug="residenze-artistiche-2021")
    scoring = FundingCall.objects.get(slug="spettacolo-dal-vivo-2021")
    draft = Candidacy.objects.get(state="draft")
    role = OpenRole.objects.get()
    to_score = scoring.candidacies.first()
    lead = LeadPartnerRequest.objects.get(state="accepted")
    visits = [
        (
            None,
            ["/bandi/", f"/bandi/{ranked.slug}/", "/bandi/regolamento/", "/bandi/regolamento/2/", "/bandi/capofila/"],
        ),
        (
            "applicant",
            [
                draft.get_absolute_url(),
                f"{draft.get_absolute_url()}modifica/",
                f"/bandi/{ranked.slug}/graduatoria/",
                f"/bandi/{draft.call.slug}/ruoli/{role.pk}/",
                "/bandi/mie/",
                "/bandi/regolamento/3/",
            ],
        ),
        ("reviewer", [f"/bandi/{scoring.slug}/valutazione/", f"{to_score.get_absolute_url()}valutazione/"]),
        ("staff", [f"/bandi/{scoring.slug}/selezione/", "/bandi/scadenze/", lead.get_absolute_url()]),
    ]
    rendered, problems = {}, {}
    for who, paths in visits:
        # axe is injected as a script: let it past the page's Content Security Policy.
        page = new_page(bypass_csp=True)
        if who is not None:
            log_in(page, calls_world[who], PASSWORD)
        for path in paths:
            page.goto(path)
            serious = _serious(page)
            if serious:
                problems[path] = serious
            rendered[f"{who} {path}"] = page.content()
    assert problems == {}
    assert nu_errors(rendered, tmp_path) == []
