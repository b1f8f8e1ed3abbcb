"""Where uploads are written: the file system under MEDIA_ROOT, with a full disk said plainly."""

import contextlib
import errno
import os

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
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
