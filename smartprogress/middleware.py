from django.core.exceptions import BadRequest
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Headers every response carries.

    - A strict Content Security Policy: our pages carry no inline script or style.
      Bootstrap's form controls draw their icons from data: URIs, hence img-src data:.
    - A Permissions-Policy that turns off the browser features the portal never uses.
    - `Cache-Control: private` on whatever a signed-in person sees, so no shared
      cache (a proxy, a CDN) keeps one member's page for another.
    """

    content_security_policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; object-src 'none'"
    )
    permissions_policy = (
        "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
        "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.content_security_policy)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "public" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True)
        return response


class RejectNulMiddleware:
    """A NUL byte in the path, a parameter or a cookie is refused with 400.

    No person types one; PostgreSQL refuses it in any text it is given, so one
    that reaches a query (a token in the URL, an admin filter) would be a 500.
    Checked once here rather than in every view that reads a parameter.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            raise BadRequest("NUL byte in the request")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request):
        if "\x00" in request.path_info:
            return True
        sources = [request.GET, request.COOKIES.items()]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(request.POST)
        for source in sources:
            pairs = source.lists() if hasattr(source, "lists") else ((k, [v]) for k, v in source)
            for key, values in pairs:
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        return False


class BenchQueryCountMiddleware:
    """`make bench` only (settings.BENCH): the number of database queries of the request in an
    X-Bench-Queries header, so the benchmark reads it from the real server. First in the chain,
    so the session and user look-ups of the other middleware count too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response
