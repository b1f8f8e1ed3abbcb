"""Reading pages as a given reader, for the tests that write and read back through a page."""

from django.test import Client


def client_of(member=None):
    """A client signed in as `member`, or a visitor's."""
    client = Client()
    if member is not None:
        client.force_login(member)
    return client


def html_of(client, url):
    """The page at `url` as `client` reads it; it must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()
