"""The open-data page (the API described from its OpenAPI document), and the site's files.

The files are robots.txt, sitemap.xml and /.well-known/security.txt (RFC 9116).
The files are machine-read and not translated. Their absolute addresses come from the
configured public address (``PUBLIC_URL``), like every absolute link.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, current_app, render_template, url_for

from network.api.openapi import PARAMETERS
from network.api.openapi import document as openapi_document
from network.common import clock
from network.common.decorators import public
from network.site import queries

bp = Blueprint("site", __name__)

DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


def _schema_text(schema: dict[str, Any]) -> str:
    """Say in a few words what values a parameter takes (its type, enumeration, bounds)."""
    if "enum" in schema:
        return " | ".join(schema["enum"])
    kind = schema.get("type", "string")
    bounds = [
        f"{word} {schema[key]}"
        for key, word in (("minimum", "≥"), ("maximum", "≤"))
        if key in schema
    ]
    if "pattern" in schema:
        bounds.append(schema["pattern"])
    return " ".join([kind if isinstance(kind, str) else "/".join(kind), *bounds])


def endpoints(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Return each operation of the document as the page lists it."""
    found = []
    for path, operations in document["paths"].items():
        operation = operations["get"]
        parameters = []
        for parameter in operation.get("parameters", []):
            if "$ref" in parameter:
                parameter = PARAMETERS[parameter["$ref"].rsplit("/", 1)[1]]
            parameters.append(
                {
                    "name": parameter["name"],
                    "where": parameter["in"],
                    "required": parameter.get("required", False),
                    "values": _schema_text(parameter["schema"]),
                    "description": parameter.get("description", ""),
                }
            )
        found.append(
            {
                "path": path,
                "id": operation["operationId"],
                "summary": operation["summary"],
                "parameters": parameters,
                "responses": [
                    (status, answer["description"])
                    for status, answer in operation["responses"].items()
                ],
            }
        )
    return found


@bp.route("/open-data")
@public
def open_data() -> str:
    """Describe the API, route by route, from its OpenAPI document, and the data licence."""
    document = openapi_document(current_app.extensions["network_version"])
    return render_template(
        "api/docs.html",
        info=document["info"],
        endpoints=endpoints(document),
        license_url=DATA_LICENSE_URL,
    )


# Where crawlers are not wanted: the people's own pages and forms, and the data routes
# (the same records are in the sitemap as pages).
DISALLOWED = ("/account", "/login", "/invitations/", "/secretariat/", "/api/")


@bp.route("/robots.txt")
@public
def robots() -> Response:
    """Tell crawlers what to index, and where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines.append(f"Sitemap: {url_for('site.sitemap', _external=True)}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.route("/sitemap.xml")
@public
def sitemap() -> Response:
    """List the address of every public page: the lists and each public record."""
    found = queries.public_addresses()
    pages = [
        url_for(endpoint, _external=True)
        for endpoint in (
            "home.index",
            "cities.index",
            "charter.in_force",
            "charter.versions",
            "elections.index",
            "motions.index",
            "resolutions.index",
            "meetings.index",
            "declarations.index",
            "public_audit.record",
            "site.open_data",
        )
    ]
    pages += [url_for("cities.show", slug=slug, _external=True) for slug in found["cities"]]
    pages += [
        url_for("charter.version", number=number, _external=True)
        for number in found["charter_versions"]
    ]
    pages += [
        url_for("elections.show", election_id=election, _external=True)
        for election in found["elections"]
    ]
    pages += [
        url_for("resolutions.show", year=year, sequence=sequence, _external=True)
        for year, sequence in found["resolutions"]
    ]
    pages += [
        url_for("declarations.show", slug=slug, _external=True) for slug in found["declarations"]
    ]
    return Response(render_template("site/sitemap.xml", pages=pages), mimetype="application/xml")


@bp.route("/.well-known/security.txt")
@public
def security_txt() -> Response:
    """Say whom to tell about a security problem (RFC 9116), as SECURITY.md does."""
    expires = (clock.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: {current_app.config['SECURITY_CONTACT']}",
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        f"Canonical: {url_for('site.security_txt', _external=True)}",
        "Preferred-Languages: en, ko, fr, es",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
