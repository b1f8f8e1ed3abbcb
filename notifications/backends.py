"""An e-mail backend for the embedded default (`make run`): e-mails printed as a
person reads them. Django's console backend prints the raw MIME message, whose
subject is an encoded word (=?utf-8?q?L=E2=80=99incontro?=) as soon as it has an
accent or an apostrophe."""

import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend

RULE = "-" * 72


class ConsoleEmailBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages):
        with self._lock:
            for message in email_messages:
                self.stream.write(self.format(message))
            self.stream.flush()
        return len(email_messages)

    @staticmethod
    def format(message):
        lines = [
            RULE,
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            f"Subject: {message.subject}",
        ]
        lines += [f"{name}: {value}" for name, value in message.extra_headers.items()]
        alternatives = [mimetype for _content, mimetype in getattr(message, "alternatives", [])]
        if alternatives:
            lines.append(f"(also as {', '.join(alternatives)})")
        lines += ["", message.body.rstrip(), RULE, ""]
        return "\n".join(lines)
