import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from smartprogress.brokers import folder_broker_options
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


def _settings_of(**env):
    code = "from django.conf import settings; print(settings.SITE_URL, ' '.join(settings.ALLOWED_HOSTS))"
    return _manage("shell", "-v", "0", "-c", code, **{"SITE_URL": "", **env})


def test_site_url_follows_host_and_port_of_make_run():
    result = _settings_of(PORT="8123")

    assert result.stdout.split()[0] == "http://127.0.0.1:8123"


def test_site_url_on_another_host_is_allowed_too():
    result = _settings_of(HOST="192.168.1.20", PORT="9000")

    site_url, *allowed = result.stdout.split()
    assert site_url == "http://192.168.1.20:9000"
    assert "192.168.1.20" in allowed


def test_site_url_given_wins_over_host_and_port():
    result = _settings_of(PORT="8123", SITE_URL="https://partecipa.smart.example/")

    assert result.stdout.split()[0] == "https://partecipa.smart.example"


def test_port_that_is_not_a_port_stops_startup():
    result = _settings_of(PORT="80000")

    assert result.returncode != 0
    assert "PORT=80000 is not a TCP port" in result.stderr


def test_folder_broker_keeps_every_file_under_its_folder(tmp_path):
    options = folder_broker_options(tmp_path)

    folders = [value for key, value in options.items() if key.endswith("_folder") or key.startswith("data_folder")]
    assert len(folders) == 4
    assert all(Path(folder).is_relative_to(tmp_path) for folder in folders)
