"""A bounded schemathesis run: every operation, positive and negative data, every check.

The outside check of the API ran 27,000 cases; this one runs a few per operation and
mode on every run of the suite, against the app (WSGI, no server) on the seeded demo,
so a route that answers outside its own OpenAPI document fails here first.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

# Cases per operation and mode: about 1,100 requests, 15 s (SQLite) to 40 s (PostgreSQL).
MAX_EXAMPLES = 30


def test_every_operation_holds_to_its_document_under_generated_requests(app, database):
    assert app.test_cli_runner().invoke(args=["network", "seed-demo"]).exit_code == 0
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every documented operation but the document itself, which schemathesis leaves out.
    documented = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert len(operations) == len(documented) - 1
    nothing_to_negate = set()
    calls: dict[str, int] = {}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def holds(case) -> None:  # noqa: ANN001
                case.call_and_validate()
                calls[case.operation.label] = calls.get(case.operation.label, 0) + 1

            try:
                holds()
            except Unsatisfiable:
                # No request outside the schema exists (no query parameter to spoil).
                assert mode is GenerationMode.NEGATIVE, operation.label
                nothing_to_negate.add(operation.path)
    queried = {
        path
        for path, operations in documented.items()
        if any(p.get("in") == "query" or "$ref" in p for p in operations["get"]["parameters"][:-1])
    }
    assert not nothing_to_negate & queried, nothing_to_negate
    assert set(calls) == {operation.label for operation in operations}
