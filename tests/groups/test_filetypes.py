"""Reading a document's type costs a few kilobytes, whatever the file claims about itself."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile

from groups import filetypes, services

ODT = "application/vnd.oasis.opendocument.text"
MiB = 1024 * 1024
# What sniffing may allocate at most: the archive's tail, its directory, a small read.
SNIFF_MEMORY = 4 * MiB


def _odt_bytes(mimetype=ODT, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=compression)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _write_bomb(path, compression, mebibytes):
    """An .odt whose `mimetype` starts right and then unpacks to that many MiB of zeros,
    written a megabyte at a time (the test must not hold it in memory either)."""
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = compression
        with archive.open(info, "w") as member:
            member.write(ODT.encode())
            zeros = bytes(MiB)
            for _ in range(mebibytes):
                member.write(zeros)
        archive.writestr("content.xml", "<office:document-content/>")
    return path


def _sniff_measured(path):
    with open(path, "rb") as handle:
        tracemalloc.start()
        try:
            with pytest.raises(ValidationError) as refused:
                services.check_upload(File(handle, name=path.name))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return refused.value, peak


@pytest.mark.parametrize(
    ("compression", "mebibytes"),
    # bzip2 and LZMA are slow to write: a smaller bomb already shows they are never unpacked.
    [(zipfile.ZIP_DEFLATED, 256), (zipfile.ZIP_BZIP2, 64), (zipfile.ZIP_LZMA, 64)],
)
def test_sniff_mimetype_bomb_refused_in_bounded_memory(tmp_path, compression, mebibytes):
    bomb = _write_bomb(tmp_path / "bomba.odt", compression, mebibytes)
    assert bomb.stat().st_size < filetypes.MAX_DOCUMENT_SIZE

    error, peak = _sniff_measured(bomb)

    assert error.error_dict["file"][0].code == "file_type"
    assert peak < SNIFF_MEMORY


def test_sniff_zip_of_many_entries_refused_in_bounded_memory(tmp_path):
    # 30,000 empty parts: a central directory of about 1.5 MB, which zipfile
    # would turn into tens of MB of objects before we could count them.
    path = tmp_path / "tante-parti.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for index in range(30_000):
            archive.writestr(f"word/{index}", b"")

    error, peak = _sniff_measured(path)

    assert error.error_dict["file"][0].code == "file_type"
    assert peak < SNIFF_MEMORY


def test_sniff_docx_with_large_parts_and_many_entries_accepted():
    # Megabytes of pictures before the central directory, and a thousand parts in it:
    # only the directory's own size counts.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for index in range(1000):
            archive.writestr(f"word/media/image{index}.png", b"\x89PNG" + bytes(2000))

    upload = SimpleUploadedFile("foto.docx", buffer.getvalue())

    assert upload.size > 2 * MiB
    assert filetypes.sniff(upload) == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_sniff_odt_reads_type_from_mimetype(compression):
    upload = SimpleUploadedFile("nota.odt", _odt_bytes(compression=compression))

    assert filetypes.sniff(upload) == ODT
    assert upload.tell() == 0


@pytest.mark.parametrize(
    "mimetype",
    [ODT + " " * 200, "application/x-msdownload", "", "application/vnd.oasis.opendocument.text\x00trailing"],
)
def test_sniff_odt_with_unknown_or_overlong_mimetype_refused(mimetype):
    assert filetypes.sniff(SimpleUploadedFile("nota.odt", _odt_bytes(mimetype))) is None


def test_sniff_broken_archives_refused_not_raised():
    good = _odt_bytes(compression=zipfile.ZIP_DEFLATED)
    encrypted = bytearray(_odt_bytes())
    encrypted[6] |= 1  # the "encrypted" flag of the first local header
    central = encrypted.find(b"PK\x01\x02")
    encrypted[central + 8] |= 1  # and of its central directory entry
    start = good.index(b"mimetype") + len(b"mimetype")
    corrupt = good[:start] + b"\xff" * 20 + good[start + 20 :]
    broken = [bytes(encrypted), corrupt, good[: len(good) // 2], b"PK\x03\x04" + b"\x00" * 100]

    assert [filetypes.sniff(SimpleUploadedFile("x.odt", body)) for body in broken] == [None] * len(broken)
