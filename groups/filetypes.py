"""Which files may be shared as documents, decided from their content, never their name.

An upload is at most 20 MB, but a ZIP inside it can claim far more: a member that
unpacks to gigabytes, or hundreds of thousands of tiny entries. Reading a document's
type must cost a few kilobytes whatever the file says about itself."""

import struct
import zipfile
import zlib

MAX_DOCUMENT_SIZE = 20 * 1024 * 1024

EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}

_OOXML_PARTS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# The longest type we accept is 73 characters; a `mimetype` member longer than this is not one of ours.
MIMETYPE_MAX_LENGTH = 128
# zipfile builds an object (about half a kilobyte) for every entry of the central directory
# before we can look at any; each entry takes at least 46 bytes there, so 512 KiB means at
# most about 11,000 entries (a few MB). Office documents list tens, a large one a few thousand.
MAX_CENTRAL_DIRECTORY = 512 * 1024
# Stored and deflated members can be read a few bytes at a time; zipfile decompresses
# bzip2 and LZMA in whole blocks, whose output a small input can make enormous.
_READABLE_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)

# End of central directory: signature, disk numbers, entries on this disk and in all,
# central directory size and offset, comment length.
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"


def sniff(upload):
    """The MIME type of an allowed file, read from its bytes, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_office(upload)
    return None


def _sniff_office(upload):
    """OpenDocument names its type in a `mimetype` member; Office Open XML has
    `[Content_Types].xml` and a folder per kind of document."""
    try:
        if not _central_directory_is_small(upload):
            return None
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                return _declared_mimetype(archive)
            if "[Content_Types].xml" in names:
                for prefix, mime in _OOXML_PARTS.items():
                    if any(name.startswith(prefix) for name in names):
                        return mime
    # Whatever a broken or hostile archive makes zipfile raise: encrypted members or an
    # unknown compression (RuntimeError, NotImplementedError), truncated or corrupt data.
    except (zipfile.BadZipFile, RuntimeError, EOFError, OSError, ValueError, struct.error, zlib.error):
        return None
    finally:
        upload.seek(0)
    return None


def _declared_mimetype(archive):
    info = archive.getinfo("mimetype")
    if info.compress_type not in _READABLE_COMPRESSION or info.file_size > MIMETYPE_MAX_LENGTH:
        return None
    # The sizes in the header are the uploader's word: read one byte past the limit
    # to know the member is too long, however much it would unpack to.
    with archive.open(info) as member:
        raw = member.read(MIMETYPE_MAX_LENGTH + 1)
    if len(raw) > MIMETYPE_MAX_LENGTH:
        return None
    declared = raw.decode("ascii", "replace").strip()
    return declared if declared in EXTENSIONS else None


def _central_directory_is_small(upload):
    """Read the end record as zipfile will (the last one in the file's tail) and refuse
    a central directory zipfile would spend megabytes on, or a ZIP64 one, before it does."""
    size = upload.seek(0, 2)
    tail_length = min(size, _END_RECORD.size + (1 << 16))
    upload.seek(size - tail_length)
    tail = upload.read(tail_length)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        return False
    # A ZIP64 locator right before the end record makes zipfile take its sizes from there.
    locator = tail[max(at - _ZIP64_LOCATOR.size, 0) : at]
    if locator.startswith(_ZIP64_LOCATOR_SIGNATURE):
        return False
    *_before, directory_size, _offset, _comment_length = _END_RECORD.unpack_from(tail, at)
    return directory_size <= MAX_CENTRAL_DIRECTORY
