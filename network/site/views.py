"""The open-data page (the API described from its OpenAPI document), and the site's files."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from network.api.openapi import PARAMETERS
from network.api.openapi import document as openapi_document
from network.common.decorators import public

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
