class ContentSecurityPolicyMiddleware:
    """A strict Content Security Policy: our pages carry no inline script or style.

    Bootstrap's form controls draw their icons from data: URIs, hence img-src data:.
    """

    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
