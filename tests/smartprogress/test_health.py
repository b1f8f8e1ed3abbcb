import pytest

pytestmark = pytest.mark.django_db


def test_healthz_ok_when_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_503_names_broker_when_it_is_down(client, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "ok", "broker": "fail"}


def test_healthz_503_names_broker_when_it_hangs(client, broker_hanging):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "ok", "broker": "fail"}
