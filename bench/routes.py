"""Every public GET route of the pages and the API, as templates filled from the dataset.

Like ``tests/test_statement_counts.py``'s list, with the directory's filters and pages,
the verification routes and every ``/api/v1`` route. ``LOAD_ROUTES`` are the public
pages the throughput section serves under gunicorn.
"""

from __future__ import annotations

from typing import Any

ROUTES: list[str] = [
    "/",
    "/cities/",
    "/cities/?page={city_page}",
    "/cities/?region=africa",
    "/cities/?country=KR&status=member",
    "/cities/?q={search}",
    "/cities/{city}",
    "/cities/export.csv",
    "/cities/export.csv?country=KR",
    "/charter/",
    "/charter/versions",
    "/charter/versions/1",
    "/charter/diff?from=1&to=1",
    "/elections/",
    "/elections/{election}",
    "/motions/",
    "/motions/{motion}",
    "/meetings/",
    "/meetings/{meeting}",
    "/resolutions/",
    "/resolutions/?page={resolution_page}",
    "/resolutions/?year=2020&kind=ordinary",
    "/resolutions/?q=policy+1",
    "/resolutions/{year}/{sequence}",
    "/resolutions/feed.atom",
    "/declarations/",
    "/declarations/{declaration}",
    "/declarations/{big_declaration}",
    "/declarations/{big_declaration}/signatures.csv",
    "/declarations/{big_declaration}/signatures.json",
    "/declarations/feed.atom",
    "/verify/",
    "/verify/{signature_code}",
    "/verify/{receipt}",
    "/votes/{big_vote}",
    "/votes/{charter_vote}",
    "/votes/{election_vote}",
    "/api/v1/cities",
    "/api/v1/cities?page={api_city_page}&per_page=200",
    "/api/v1/cities?q={search}",
    "/api/v1/cities/{city}",
    "/api/v1/charter",
    "/api/v1/charter/versions",
    "/api/v1/votes/{big_vote}",
    "/api/v1/votes/{election_vote}",
    "/api/v1/verify/{signature_code}",
    "/api/v1/verify/{receipt}",
    "/api/v1/elections",
    "/api/v1/elections/{election}",
    "/api/v1/resolutions",
    "/api/v1/resolutions?page={api_resolution_page}&per_page=200",
    "/api/v1/declarations",
    "/api/v1/declarations/{big_declaration}",
    "/api/v1/declarations/{big_declaration}/signatures",
    "/api/v1/declarations/{big_declaration}/signatures?page={api_city_page}&per_page=200",
    "/api/v1/audit/head",
]

LOAD_ROUTES: list[str] = [
    "/",
    "/cities/",
    "/cities/{city}",
    "/charter/",
    "/elections/{election}",
    "/resolutions/",
    "/declarations/",
    "/declarations/{big_declaration}",
    "/votes/{big_vote}",
    "/api/v1/cities",
    "/api/v1/declarations/{big_declaration}/signatures",
]


# Not targets: what the stack itself costs, measured uncached beside the pages. A page
# with the layout and no query, and one with the layout and a single short query.
FLOOR_ROUTES: list[str] = ["/verify/", "/meetings/"]


def fill(templates: list[str], values: dict[str, Any]) -> list[tuple[str, str]]:
    """Return ``(template, url)`` pairs with the dataset's values filled in."""
    return [(template, template.format(**values)) for template in templates]
