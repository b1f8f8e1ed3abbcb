"""The upload folder's disk fills up: a clear message, and nothing half-written (no partial
file, no row pointing at a missing file). The disk is real: a 64 KiB tmpfs mounted as
MEDIA_ROOT (this needs the right to mount, as root in CI; elsewhere the test says so and skips)."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import Document
from tests.factories import FacilitatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_disk(tmp_path, settings):
    folder = tmp_path / "media"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    settings.MEDIA_ROOT = str(folder)
    try:
        yield folder
    finally:
        # Lazily: the test client may still hold a file of it open.
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def test_full_upload_disk_refuses_the_document_plainly_and_leaves_nothing(client, tiny_disk):
    facilitator = FacilitatorFactory()
    client.force_login(facilitator.member)
    big = SimpleUploadedFile("verbale.pdf", b"%PDF-1.4 " + b"0" * 200_000, content_type="application/pdf")

    response = client.post(
        reverse("groups:document_create", args=[facilitator.group.slug]),
        {"title": "Verbale di luglio", "visibility": "group", "file": big},
    )

    assert response.status_code == 200
    assert "spazio per i file: non è stato salvato nulla. Riprova più tardi." in response.content.decode()
    assert Document.objects.count() == 0
    assert [path for path in tiny_disk.rglob("*") if path.is_file()] == []


def test_after_space_is_freed_the_same_upload_works(client, tiny_disk):
    facilitator = FacilitatorFactory()
    client.force_login(facilitator.member)
    small = SimpleUploadedFile("verbale.pdf", b"%PDF-1.4 verbale", content_type="application/pdf")

    response = client.post(
        reverse("groups:document_create", args=[facilitator.group.slug]),
        {"title": "Verbale di luglio", "visibility": "group", "file": small},
    )

    assert response.status_code == 302
    assert Document.objects.get().file.read() == b"%PDF-1.4 verbale"


def test_disk_full_on_the_third_attachment_leaves_neither_the_proposal_nor_the_first_two_files(tiny_disk):
    from groups.proposals import services
    from groups.proposals.models import Proposal
    from tests.factories import PROPOSAL_TEXT, MembershipFactory

    membership = MembershipFactory()
    uploads = [
        SimpleUploadedFile(f"parte{i}.pdf", b"%PDF-1.4 " + b"0" * size)
        for i, size in enumerate([20_000, 20_000, 60_000])
    ]

    with pytest.raises(Exception) as refused:
        services.create_proposal(membership.group, author=membership.member, uploads=uploads, **PROPOSAL_TEXT)

    assert "spazio per i file" in str(refused.value)
    assert Proposal.objects.count() == 0
    assert [path for path in tiny_disk.rglob("*") if path.is_file()] == []
