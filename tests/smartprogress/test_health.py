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


def _healthz_as_a_wsgi_server_asks():
    """One request through Django's WSGI handler, as gunicorn makes it: the request's signals
    run, so a connection left broken is closed at its end, as in production."""
    import json

    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    answer = {}

    def start_response(status, headers):
        answer["status"] = int(status.split()[0])

    response = WSGIHandler()(RequestFactory()._base_environ(PATH_INFO="/healthz", REQUEST_METHOD="GET"), start_response)
    body = b"".join(response)
    response.close()
    return answer["status"], json.loads(body)


@pytest.mark.django_db(transaction=True)
def test_healthz_503_when_the_database_connection_breaks_then_recovers_without_restart():
    from django.db import connection, connections

    ok = (200, {"status": "ok", "database": "ok", "broker": "ok"})
    assert _healthz_as_a_wsgi_server_asks() == ok
    # The process keeps its connection between requests (CONN_MAX_AGE): cut it from another
    # connection, as a database restart or a network failure would.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()

    assert _healthz_as_a_wsgi_server_asks() == (503, {"status": "fail", "database": "fail", "broker": "ok"})
    # That request threw the broken connection away: the next one opens a new one.
    assert _healthz_as_a_wsgi_server_asks() == ok
