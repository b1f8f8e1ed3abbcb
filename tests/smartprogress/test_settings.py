import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from smartprogress.env import env_bool, env_int, env_url

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_env_bool_wrong_value_names_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", True)


def test_env_int_wrong_value_names_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")

    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT='twenty-five' is not a whole number"):
        env_int("EMAIL_PORT", 25)


def test_env_url_wrong_scheme_names_variable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/db")

    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must start with one of postgres://"):
        env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))


def test_startup_with_wrong_value_stops_and_names_variable():
    result = _manage("check", REDIS_URL="localhost:6379")

    assert result.returncode != 0
    assert "REDIS_URL must start with one of redis://" in result.stderr


def test_startup_without_secret_in_production_stops():
    result = _manage("check", DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k3-" + "x7Qp9-Lm2Vr8sT4wZ6yB1nC5dF0gH3jK" * 2,
        ALLOWED_HOSTS="partecipa.smart.example",
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
