from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class SmartProgressConfig(AppConfig):
    name = "smartprogress"
    verbose_name = "Smart in Progress"

    def ready(self):
        # The folder broker cannot create its own folders; make them before any
        # process (web queueing a task, or the worker) touches them.
        if settings.CELERY_BROKER_URL.startswith("filesystem:"):
            for key in ("data_folder_in", "processed_folder", "control_folder"):
                Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True, exist_ok=True)
        from smartprogress import dashboard

        dashboard.connect()
