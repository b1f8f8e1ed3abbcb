"""An SMTP server on 127.0.0.1 that keeps nothing but the Message-ID of each message it
accepts, one a line, in a file: `python -m bench.smtp_sink PORT FILE`. The load run counts
there how many times each e-mail arrived."""

import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Recorder:
    def __init__(self, path):
        self.file = open(path, "a", encoding="ascii")  # noqa: SIM115 (open for the server's life)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        headers = envelope.content.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        found = MESSAGE_ID.search(headers)
        with self.lock:
            self.file.write((found.group(1).decode("ascii", "replace") if found else "<none>") + "\n")
            self.file.flush()
        return "250 Message accepted for delivery"


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
