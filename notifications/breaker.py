"""Remember that a service stopped answering, so that a page does not wait for it.

When Redis (the broker or the cache) is down or hangs, every call to it costs a
timeout. A web request that queues fifty e-mails would pay fifty of them; with a
breaker it pays one, and for the next `cooldown` seconds this process does not
try at all: the outbox sweep sends later what could not be queued, and rate
limits are not counted. The state is per process, which is what we want: each
gunicorn worker finds out for itself, at the cost of one timeout.
"""

import logging
import time

logger = logging.getLogger(__name__)


class CircuitBreaker:
    instances = []

    def __init__(self, name, *, cooldown=30.0):
        self.name = name
        self.cooldown = cooldown
        self._open_until = 0.0
        CircuitBreaker.instances.append(self)

    @property
    def is_open(self):
        """True while the service is known to be down: skip it."""
        return time.monotonic() < self._open_until

    def trip(self):
        """The service just failed: skip it for `cooldown` seconds. Logged once per outage."""
        if not self.is_open:
            logger.warning("%s did not answer; not trying again for %d s.", self.name, self.cooldown, exc_info=True)
        self._open_until = time.monotonic() + self.cooldown

    def reset(self):
        self._open_until = 0.0

    @classmethod
    def reset_all(cls):
        for breaker in cls.instances:
            breaker.reset()
