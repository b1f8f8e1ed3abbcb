"""Where uploads are written: the file system under MEDIA_ROOT, with a full disk said plainly;
and files that do not outlive a write that failed."""

import contextlib
import contextvars
import errno
import functools
import logging
import os

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils.translation import gettext as _

FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class UploadStorage(FileSystemStorage):
    """A disk that fills up mid-file leaves a partial file behind and a 500. Here the partial
    file is removed and the upload is refused with a ValidationError, which the services'
    callers already show next to the form; the transaction that would have recorded the
    file rolls back, so nothing is half-written."""

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError as error:
            if error.errno not in FULL:
                raise
            # Storage.save() chose a free name before calling _save: what is there is ours.
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path(name))
            raise ValidationError(
                _("There is no space left for files on the server: nothing was saved. Please try again later."),
                code="disk_full",
            ) from error


# A file is written to storage before the row that names it, so a write that fails after the
# file went down (the third of three attachments refused, a constraint, a full disk on the next
# file) rolled the rows back and left the files behind, named by nothing. Services that store
# uploads run under atomic_with_files and store them with save_upload: when the transaction
# fails, the files saved inside it are removed from the storage (disk or bucket) too.
_saved_here = contextvars.ContextVar("files_saved_in_this_write", default=None)
log = logging.getLogger(__name__)


def save_upload(field_file, name, content):
    """field_file.save(name, content) without saving the row, remembered for atomic_with_files."""
    field_file.save(name, content, save=False)
    saved = _saved_here.get()
    if saved is not None:
        saved.append((field_file.storage, field_file.name))


def atomic_with_files(func):
    """transaction.atomic, and the files save_upload stored inside it removed if it fails."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        parent, saved = _saved_here.get(), []
        token = _saved_here.set(saved)
        try:
            with transaction.atomic():
                result = func(*args, **kwargs)
        except BaseException:
            for storage, name in saved:
                try:
                    storage.delete(name)
                except Exception:  # the storage may be what failed: say it, keep the first error
                    log.warning("Could not remove %s after a failed write", name, exc_info=True)
            raise
        finally:
            _saved_here.reset(token)
        if parent is not None:  # an enclosing write that fails later removes these too
            parent.extend(saved)
        return result

    return wrapper
