"""Security headers on every response.

The pages load nothing from another origin and use no inline script or style, so
the Content-Security-Policy can be strict.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_security_headers(app: Flask) -> None:
    """Add the headers to every response; HSTS only where cookies are Secure (production).

    Also refuse file uploads, except to a view marked ``accepts_files``: Flask-WTF would
    hand a file to a text field's validators (a 500 instead of a refusal).
    """

    @app.before_request
    def refuse_uploads() -> None:
        # Views that take a file say so (``accepts_files``: meeting papers).
        view = app.view_functions.get(request.endpoint or "")
        if not getattr(view, "accepts_files", False) and request.files:
            abort(400)

    secure = security_headers(app)
    app.extensions["network_security_headers"] = secure

    @app.after_request
    def add_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in secure:
            headers.setdefault(name, value)
        return response

    def drop_retry_after(response: Response) -> Response:
        # Flask-Limiter sends its reset time as Retry-After with every answer of a
        # throttled route; it means "wait" only on a 429 (and a 503 sets its own).
        if response.status_code not in {429, 503}:
            response.headers.pop("Retry-After", None)
        return response

    # After-request hooks run last-registered first: at the front, this one runs after
    # every other, the rate limiter's among them.
    app.after_request_funcs.setdefault(None, []).insert(0, drop_retry_after)


def security_headers(app: Flask) -> list[tuple[str, str]]:
    """Return the headers every answer carries (HSTS only where cookies are Secure)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if app.config["SESSION_COOKIE_SECURE"]:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers
