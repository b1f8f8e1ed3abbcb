"""A write that fails after its files went to storage takes the files away with its rows: no
file on disk that no row names (smartprogress.storage.atomic_with_files)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from groups import services as group_services
from groups.enums import DocumentVisibility
from groups.models import Document
from groups.proposals import services
from groups.proposals.models import Proposal, ProposalAttachment
from smartprogress.storage import atomic_with_files
from tests.factories import PROPOSAL_TEXT, FacilitatorFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _files(folder):
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


def _pdf(name):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode())


def test_a_refused_third_attachment_removes_the_first_two_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory()
    uploads = [_pdf("uno.pdf"), _pdf("due.pdf"), SimpleUploadedFile("tre.pdf", b"#!/bin/sh\nrm -rf /")]

    with pytest.raises(ValidationError) as refused:
        services.create_proposal(membership.group, author=membership.member, uploads=uploads, **PROPOSAL_TEXT)

    assert list(refused.value.message_dict) == ["files"]
    assert Proposal.objects.count() == 0
    assert _files(tmp_path) == []


def test_a_failed_edit_keeps_the_files_already_attached_and_removes_only_the_new_ones(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory()
    proposal = services.create_proposal(
        membership.group, author=membership.member, uploads=[_pdf("analisi.pdf")], **PROPOSAL_TEXT
    )
    kept = _files(tmp_path)
    assert len(kept) == 1

    with pytest.raises(ValidationError):
        services.update_proposal(
            proposal,
            actor=membership.member,
            uploads=[_pdf("nuovo.pdf"), SimpleUploadedFile("x.pdf", b"MZ\x90\x00")],
            **PROPOSAL_TEXT,
        )

    assert _files(tmp_path) == kept
    [attachment] = ProposalAttachment.objects.all()
    assert (tmp_path / attachment.file.name).is_file()


def test_a_successful_write_keeps_its_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory()

    proposal = services.create_proposal(
        membership.group, author=membership.member, uploads=[_pdf("uno.pdf"), _pdf("due.pdf")], **PROPOSAL_TEXT
    )

    assert len(_files(tmp_path)) == 2 == proposal.attachments.count()
    for attachment in proposal.attachments.all():
        assert (tmp_path / attachment.file.name).is_file()


def test_an_enclosing_write_that_fails_later_removes_the_files_of_the_writes_inside_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    facilitator = FacilitatorFactory()

    @atomic_with_files
    def add_two_then_fail():
        for title in ("Verbale", "Allegato"):
            group_services.add_document(
                facilitator.group,
                actor=facilitator.member,
                title=title,
                visibility=DocumentVisibility.GROUP,
                upload=_pdf(f"{title}.pdf"),
            )
        assert len(_files(tmp_path)) == 2  # both were on disk, each of its own write done
        raise ValidationError("later refusal")

    with pytest.raises(ValidationError):
        add_two_then_fail()

    assert Document.objects.count() == 0
    assert _files(tmp_path) == []
