"""Settings for Smart in Progress.

Everything that differs between a laptop and production comes from the
environment (see the table in README.md). With nothing set, the portal runs on
one machine: SQLite, a file-system Celery broker, a file cache, e-mails printed
to the console. With DATABASE_URL and REDIS_URL set it runs on PostgreSQL and
Redis.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from smartprogress.brokers import folder_broker_options
from smartprogress.env import env_bool, env_choice, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-runs-never-in-production"

# Where `make run` and `make up` serve; links in e-mails and calendar files
# follow it unless SITE_URL names the public address.
HOST = env_str("HOST", "127.0.0.1")
PORT = env_int("PORT", 8000)
if not 0 < PORT < 65536:
    raise ImproperlyConfigured(f"PORT={PORT} is not a TCP port (1 to 65535).")
_host_in_url = f"[{HOST}]" if ":" in HOST else HOST
SITE_URL = (env_str("SITE_URL") or f"http://{_host_in_url}:{PORT}").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", sorted({"localhost", "127.0.0.1", "[::1]", _host_in_url}))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "members",
    "notifications",
    "groups",
    "calls",
    "training",
    "networking",
    "smartprogress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "smartprogress.middleware.SecurityHeadersMiddleware",
    "smartprogress.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "members.middleware.MemberLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# `make bench` only (bench/): a bare baseline view at /bench/baseline/ (404 otherwise) and an
# X-Bench-Queries header with the number of queries of each request. Never on in production.
BENCH = env_bool("BENCH", False)
if BENCH:
    MIDDLEWARE.insert(0, "smartprogress.middleware.BenchQueryCountMiddleware")

ROOT_URLCONF = "smartprogress.urls"
WSGI_APPLICATION = "smartprogress.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
            ],
        },
    },
    {
        # Plain text (e-mail subjects and bodies): nothing is HTML-escaped, so
        # "L'incontro" stays "L'incontro". Used by name: notifications.services.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Database: SQLite in the project's var/ folder unless DATABASE_URL is given.
_database_url = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (rate limits, sessions stay in the database): Redis when configured,
# else a file cache that every local process (web, worker) shares. The Redis
# cache degrades instead of failing when Redis is down or hangs (smartprogress/cache.py):
# one-second timeouts, then a pause before it is tried again.
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "smartprogress.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "sip"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

AUTH_USER_MODEL = "members.Member"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "members.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, and it must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupDetailsForm"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Smart in Progress] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# Sign-up and password reset answer the same whether or not an address has an account,
# so nobody learns from the page who is a member; what differs goes by e-mail, which only
# the owner of the address reads: "you already have an account" on sign-up, the reset
# link for a known address, "there is no account here" for an unknown one.
ACCOUNT_PREVENT_ENUMERATION = True
# The "no account here" e-mail helps a member who forgot which address they used; it
# leaks nothing (only the address's owner reads it) and the reset rate limits below
# (5 a minute per address, 20 per IP) keep the form from being used to mail strangers.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
# allauth's defaults, written out so the limits are visible; they count in the cache above.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Language and time: Italian first, English second; Rome time.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
# Our own catalogue first (`make messages` writes it); then the hand-kept one for
# the strings of Django and the libraries that their catalogues lack or get wrong.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
LANGUAGE_COOKIE_NAME = "sip_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads: the local folder MEDIA_ROOT (the embedded default, one machine), or an
# S3-compatible bucket when S3_BUCKET names one, so that several web machines share them.
# Files stay private either way: downloads go through a view that checks who asks.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            # Unset: boto3 finds the credentials itself (AWS_* variables, an instance role).
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    # The file system under MEDIA_ROOT; a full disk refuses the upload with a clear message.
    _default_storage = {"BACKEND": "smartprogress.storage.UploadStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: SMTP when EMAIL_HOST is set, a folder when EMAIL_FILE_PATH is set,
# else the console (the embedded default).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Smart in Progress <noreply@smartit.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
elif EMAIL_FILE_PATH:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
else:
    # Readable on the worker's console: decoded subject, plain text.
    EMAIL_BACKEND = "notifications.backends.ConsoleEmailBackend"

# Celery: Redis as broker when configured, else a folder-based broker so that a
# worker started with -B runs background and periodic jobs on one machine.
# (The folder broker has no host; naming "localhost" spares a warning at start-up.)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://localhost//"
if CELERY_BROKER_URL.startswith("filesystem:"):
    CELERY_BROKER_TRANSPORT_OPTIONS = folder_broker_options(VAR_DIR / "celery")
else:
    # The worker's connection. Publishing from a request uses shorter timeouts
    # of its own (notifications.services.PUBLISH_TRANSPORT_OPTIONS).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Celery would turn everything printed (the console e-mails of the embedded
# default) into WARNING log lines; logging is configured below instead.
CELERY_WORKER_REDIRECT_STDOUTS = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Sends outbox e-mails whose after-commit task never ran (broker down, worker
    # killed), after fanning out the events left pending the same way. Every 2 minutes;
    # twice is safe: each e-mail is claimed in the database before it is sent, and each
    # chunk of an event moves the event's cursor in the transaction that writes its rows.
    "notifications.sweep_outbox": {"task": "notifications.sweep_outbox", "schedule": 120.0},
    # Digests due now (daily from 7:00 local time, weekly from 7:00 of the chosen day).
    # Every 15 minutes; twice (two beats, a job repeated, a worker killed half way) is
    # safe because each digest is claimed by a unique (member, period) row inserted in
    # the same transaction as its outbox e-mail: a second run finds the rows and sends
    # nothing, a run killed half way committed nothing and the next one sends it.
    "notifications.start_digests": {"task": "notifications.start_digests", "schedule": 900.0},
    # Meeting reminders due now (24 h and 1 h before). Every 5 minutes, so a
    # reminder goes out at most 5 minutes late; twice is safe because each
    # (meeting, member, kind) row is inserted once before its e-mail is queued.
    "groups.send_meeting_reminders": {"task": "groups.send_meeting_reminders", "schedule": 300.0},
    # The one reminder to non-voters of a poll closing within 24 h. Every 15
    # minutes; a unique (poll, member) row makes a second run send nothing.
    "groups.send_poll_reminders": {"task": "groups.send_poll_reminders", "schedule": 900.0},
    # Course offers past their deadline expire and the seat is offered to the next person
    # waiting. Every 5 minutes, so an offer lapses at most 5 minutes late (accepting checks
    # the deadline itself); twice is safe because each offer is claimed by an UPDATE ...
    # WHERE state = 'offered' AND deadline passed, under the course's row lock.
    "training.lapse_offers": {"task": "training.lapse_offers", "schedule": 300.0},
    # Course session reminders, the meetings' windows (24 h and 1 h before). Every 5
    # minutes; twice is safe because each (session, member, kind) row is inserted once.
    "training.send_session_reminders": {"task": "training.send_session_reminders", "schedule": 300.0},
    # After a course's last session, each participant is asked once for a rating. Hourly;
    # twice is safe because the request is claimed on the enrolment (feedback_requested_at).
    "training.ask_for_feedback": {"task": "training.ask_for_feedback", "schedule": 3600.0},
    # Tells the staff about proposals waiting for moderation longer than
    # PROPOSAL_MODERATION_ALERT_HOURS. Every 30 minutes, so an alert is at most half an
    # hour late; twice is safe because a unique row per proposal is inserted before the
    # e-mails are queued, in the same transaction.
    "groups.alert_proposal_moderators": {"task": "groups.alert_proposal_moderators", "schedule": 1800.0},
    # The owner side of every late task of a candidacy's checklist, once per task and
    # day (Rome time). Every 30 minutes, so a task is reminded at most half an hour after
    # it falls due; a unique (task, day) row is claimed before the e-mail is queued.
    "calls.send_late_task_reminders": {"task": "calls.send_late_task_reminders", "schedule": 1800.0},
    # Reporting milestones due within 7 days and within 1 day, to the team. Every 30
    # minutes; a unique (milestone, kind) row makes a second run send nothing.
    "calls.send_milestone_reminders": {"task": "calls.send_milestone_reminders", "schedule": 1800.0},
    # Followers of an open call, once, when its internal deadline is within 7 days. Every
    # hour; a unique (call, member) row makes a second run send nothing.
    "calls.send_deadline_reminders": {"task": "calls.send_deadline_reminders", "schedule": 3600.0},
    # Accounts whose e-mail was never confirmed within UNCONFIRMED_ACCOUNT_DAYS are removed.
    # Daily is enough for a limit counted in days; twice is safe because a removed account
    # is no longer found, and the query re-checks that the address is still unconfirmed.
    "members.remove_unconfirmed_accounts": {"task": "members.remove_unconfirmed_accounts", "schedule": 86400.0},
}

# Proposals: how long one may wait for moderation before the staff are told, and how many
# proposals and comments a member may write in an hour (counted in the cache: with Redis
# down the limits are not enforced, the portal keeps working).
PROPOSAL_MODERATION_ALERT_HOURS = env_int("PROPOSAL_MODERATION_ALERT_HOURS", 48)
PROPOSALS_PER_HOUR = env_int("PROPOSALS_PER_HOUR", 5)
COMMENTS_PER_HOUR = env_int("COMMENTS_PER_HOUR", 30)
MESSAGES_PER_HOUR = env_int("MESSAGES_PER_HOUR", 10)

# Security. Production (DEBUG off) is HTTPS-only unless HTTPS=false, which is
# meant for a production-like run on one machine (make up).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with one written-out statement (smartprogress/sessions.py).
SESSION_ENGINE = "smartprogress.sessions"
X_FRAME_OPTIONS = "DENY"
# Messages ("Welcome, Giulia Rossi") stay on the server, not in a readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

ADMINS = [("Staff", a) for a in env_list("ADMINS")]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS)},
}

# Accounts whose e-mail address was never confirmed are removed after this many days
# (beat runs members.remove_unconfirmed_accounts daily).
UNCONFIRMED_ACCOUNT_DAYS = env_int("UNCONFIRMED_ACCOUNT_DAYS", 14)
