"""Hostile input against every form and every query or path parameter (hypothesis).

The URL map is walked through the access table of ``tests/test_access.py``: every POST
route is sent generated hostile forms as the role allowed to use it, every GET route
hostile query parameters and path segments. Whatever arrives, the answer is never a
500; a refusal is a 4xx (or a redirect with an error message) that explains itself and
writes nothing; an accepted form leaves an audit entry and an intact chain.

One world serves every endpoint; each example runs inside a savepoint that is rolled
back, so every example starts from the same state, and the client's session cookie is
put back afterwards. Every endpoint gets its examples, and every failing one is named.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, quote_plus, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from network.auth.models import User
from network.common.decorators import AUTHENTICATED, PUBLIC
from network.db import db
from tests.security.helpers import (
    FormFinder,
    Rollback,
    Writes,
    audit_is_sound,
    fingerprint,
    shows_a_message,
)
from tests.test_access import ROUTES, WORLD_IDS, WORLD_SLUGS, world  # noqa: F401 - fixture

POSTS = sorted(endpoint for endpoint, method in ROUTES if method == "POST")
GETS = sorted(endpoint for endpoint, method in ROUTES if method == "GET")
SETTINGS = settings(
    max_examples=6,
    deadline=None,
    # Shrinking re-runs whole requests for minutes; the failing draws are printed as found.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
    database=None,  # one nested test per endpoint: their saved examples would mix
)

# Fields of forms that the world does not show on any page (their state hides them);
# the walk below finds every other form's fields on the pages themselves.
HIDDEN_FORM_FIELDS: dict[str, list[str]] = {
    "charter.comment": ["article", "body"],
    "elections.answer": ["answer"],
    "motions.put_to_vote": ["secrecy", "closes_at"],
    "secretariat_charter.draft": [
        "authoritative_language",
        "quorum",
        "ordinary",
        "amendment",
        "admission",
        "suspension",
        "chair_election",
        "chair_term_years",
        "proxies",
    ],
    "secretariat_charter.put_to_vote": ["secrecy", "opens_at", "closes_at"],
    "secretariat_elections.draw": ["order", "note"],
    "secretariat_elections.open_ballot": ["secrecy", "closes_at"],
}
# Refusals known to come without a message: the walk still holds them to no 500 and
# no write. None left.
SILENT_REFUSALS: dict[str, str] = {}
# Sent as extra, unexpected fields now and then (and to forms not found at all).
STRAY_FIELDS = ["id", "user_id", "role", "status", "city", "password", "code", "next", "active"]
QUERY_PARAMETERS = [
    "page",
    "per_page",
    "lang",
    "q",
    "region",
    "country",
    "status",
    "year",
    "kind",
    "role",
    "from",
    "to",
    "code",
    "next",
]

PAYLOADS = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\x7f",
    "\u202eevil",
    "\ufeff",
    "\u200b",
    "\U0001f600",
    "é" * 3,
    "Ａ",
    "' OR '1'='1",
    "1; DROP TABLE cities; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7 * 7 }}",
    "{% raw %}",
    "${7*7}",
    '=HYPERLINK("https://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "../../etc/passwd",
    "//evil.example",
    "0",
    "-1",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "٣",
    "²",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "9" * 40,
    "null",
    "true",
    "[]",
    "{}",
    "2018-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "-0001-01-01",
    "2018-12-12T25:61",
    "9999-12-31T23:59",
    "secret",
    "recorded",
    "member",
    "yes",
    "en",
    "xx",
    "ko-KR",
]
RAW_BYTES = [b"\xff\xfe", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80abc", b"caf\xe9"]


def hostile_values() -> st.SearchStrategy[str | bytes]:
    """Strings and bytes a form or a parameter should survive."""
    return st.one_of(
        st.sampled_from(PAYLOADS),
        st.text(st.characters(codec="utf-8"), max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from([300, 5_000, 70_000]).flatmap(
            lambda size: st.sampled_from(["x" * size, "é" * size, "=" + "1" * size])
        ),
        st.sampled_from(RAW_BYTES),
        st.binary(max_size=12),
    )


def encode(value: str | bytes) -> str:
    """Percent-encode a form or query value (bytes stay bytes: invalid UTF-8 goes through)."""
    return quote_plus(value)


def role_for(access: object) -> str:
    """Pick the role that may use a route."""
    if access == PUBLIC:
        return "anonymous"
    if access == AUTHENTICATED:
        return "delegate"
    if isinstance(access, tuple):
        return access[0]
    return str(access)


@dataclass
class HostileWorld:
    """The access test's world, plus what makes more forms reachable, and a client per role."""

    app: Flask
    connection: sa.Connection
    clients: dict[str, FlaskClient]
    post_ids: dict[str, str]
    get_ids: dict[str, str]
    city_slug: str
    target_id: int
    token: str
    code: str

    def url(self, endpoint: str, method: str, overrides: dict[str, str] | None = None) -> str:
        """Fill a route's path with the world's objects (or ``overrides`` for some names)."""
        rule = next(
            r.rule
            for r in self.app.url_map.iter_rules()
            if r.endpoint == endpoint and method in (r.methods or ())
        )
        declaration = rule.startswith(
            ("/declarations/", "/api/v1/declarations/", "/secretariat/declarations/")
        )
        values = {
            "slug": WORLD_SLUGS["<slug>"] if declaration else self.city_slug,
            "city": self.city_slug,  # a city's report on a declaration (#20)
            "user_id": str(self.target_id),
            "token": self.token,
            "code": self.code,
            **(self.post_ids if method == "POST" else self.get_ids),
            **(overrides or {}),
        }
        for name, value in values.items():
            rule = rule.replace(f"<{name}>", value).replace(f"<int:{name}>", value)
        assert "<" not in rule, rule
        return rule

    def client(self, role: str) -> FlaskClient:
        """Return the client logged in as ``role`` (anonymous: a fresh one)."""
        return self.clients[role]


@pytest.fixture
def hostile(app, database, world, as_user) -> Iterator[HostileWorld]:  # noqa: F811
    """Extend the world: an editable charter draft and a live invitation link."""
    from network.auth import services as accounts
    from network.charter import services as charter
    from network.declarations.models import Signature

    city, target, users = world
    now = datetime.now(UTC)
    with app.app_context():
        officer = db.session.get(User, users["secretariat"].id)
        draft = charter.create_draft(actor=officer, now=now)
        charter.save_article(
            draft,
            1,
            [charter.ArticleEntry("en", "Purpose", "Text.")],
            replacing=None,
            actor=officer,
            now=now,
        )
        invitation = accounts.renew_invitation(
            db.session.get(User, target.id), actor=officer, now=now
        )
        token = accounts.invitation_token(invitation)
        code = db.session.scalar(sa.select(Signature.verification_code))
        db.session.commit()
        draft_number = str(draft.number)
    clients = {"anonymous": app.test_client()}
    clients.update({role: as_user(user) for role, user in users.items()})
    yield HostileWorld(
        app=app,
        connection=database,
        clients=clients,
        post_ids=dict(WORLD_IDS, number=draft_number),
        get_ids=dict(WORLD_IDS),
        city_slug=city.slug,
        target_id=target.id,
        token=token,
        code=code,
    )


_FORMS: dict[str, dict[str, list[str]]] = {}


def form_fields(hostile: HostileWorld, endpoint: str) -> dict[str, list[str]]:
    """Find each POST form's fields on the pages each role sees (once per run)."""
    if not _FORMS:
        adapter = hostile.app.url_map.bind("localhost")
        pages = [
            e
            for e in GETS
            if not e.startswith("api.") and not e.endswith(("feed", "_csv", "_json"))
        ]
        for client in hostile.clients.values():
            for page in pages:
                page_urls = {hostile.url(page, "GET"), hostile.url(page, "GET", hostile.post_ids)}
                for page_url in page_urls:
                    answer = client.get(page_url)
                    if answer.mimetype != "text/html":
                        continue  # a PDF, an archive, a text file: no form in it
                    finder = FormFinder()
                    finder.feed(answer.get_data(as_text=True))
                    for action, fields in finder.forms:
                        target = urlsplit(action or page_url).path
                        try:
                            found, _ = adapter.match(target, method="POST")
                        except Exception:  # noqa: BLE001, S112 - a form posting elsewhere
                            continue
                        known = _FORMS.setdefault(found, {})
                        for name, offered in fields.items():
                            known.setdefault(name, [])
                            known[name] += [v for v in offered if v not in known[name]]
        assert len(_FORMS) >= 25, sorted(_FORMS)
    found = _FORMS.get(endpoint)
    if found is None:
        return {name: [] for name in HIDDEN_FORM_FIELDS.get(endpoint, STRAY_FIELDS)}
    return found


def draw_form(data: st.DataObject, fields: dict[str, list[str]]) -> list[tuple[str, str | bytes]]:
    """Draw a form: each field offered, hostile, missing or sent twice; maybe a stray field."""
    pairs: list[tuple[str, str | bytes]] = []
    for name, offered in fields.items():
        how = data.draw(st.sampled_from(["offered", "hostile", "hostile", "missing", "twice"]))
        if how == "missing":
            continue
        if how == "offered" and offered:
            pairs.append((name, data.draw(st.sampled_from(offered))))
            continue
        pairs.append((name, data.draw(hostile_values())))
        if how == "twice":
            pairs.append(
                (name, data.draw(st.one_of(st.sampled_from(offered or [""]), hostile_values())))
            )
    if data.draw(st.integers(0, 3)) == 0:
        pairs.append((data.draw(st.sampled_from(STRAY_FIELDS)), data.draw(hostile_values())))
    return pairs


def send_form(
    data: st.DataObject, client: FlaskClient, url: str, pairs: list[tuple[str, str | bytes]]
):  # noqa: ANN201
    """Post the form as URL-encoded (mostly), multipart with a file, or JSON."""
    how = data.draw(st.sampled_from(["urlencoded"] * 6 + ["multipart", "json"]))
    if how == "urlencoded":
        body = "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)
        return client.post(url, data=body, content_type="application/x-www-form-urlencoded")

    def text(value: str | bytes) -> str:
        return value.decode("latin-1") if isinstance(value, bytes) else value

    if how == "json":
        return client.post(
            url, data=json.dumps({n: text(v) for n, v in pairs}), content_type="application/json"
        )
    form: dict[str, object] = {name: text(value) for name, value in pairs}
    if pairs:  # a file where text is expected
        form[pairs[0][0]] = (io.BytesIO(b"\x00" * 64), "x.txt")
    return client.post(url, data=form, content_type="multipart/form-data")


def audit_seq(connection: sa.Connection) -> int:
    """Return the newest audit entry's number."""
    from network.audit.models import AuditHead

    return connection.scalar(sa.select(AuditHead.seq)) or 0


def hostile_path_value(data: st.DataObject, name: str) -> str:
    """Draw a hostile value for a path segment, percent-encoded."""
    if name.startswith("int:"):
        value = data.draw(
            st.one_of(
                st.sampled_from(["0", "-1", "2147483648", "9" * 30, "1.0", "1e3", "٣", "0x1"]),
                st.integers(min_value=0, max_value=2**40).map(str),
            )
        )
    else:
        value = data.draw(hostile_values())
    return quote(value, safe="") or "%20"


def each_endpoint(endpoints: list[str], check: Callable[[str], None]) -> None:
    """Run ``check`` for every endpoint and report every endpoint that failed, not just one."""
    failures = []
    for endpoint in endpoints:
        try:
            check(endpoint)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            failures.append(f"{endpoint}: {type(error).__name__}: {str(error)[:2000]}")
    assert not failures, "\n\n".join(failures)


def test_hostile_forms_get_no_500_and_write_nothing_unless_accepted(hostile):
    baseline = fingerprint(hostile.connection)
    seq = audit_seq(hostile.connection)

    def check(endpoint: str) -> None:
        client = hostile.client(role_for(ROUTES[(endpoint, "POST")][0]))
        url = hostile.url(endpoint, "POST")
        fields = form_fields(hostile, endpoint)

        @SETTINGS
        @given(data=st.data())
        def post_hostile_form(data: st.DataObject) -> None:
            with Rollback(hostile.connection, client):
                response = send_form(data, client, url, draw_form(data, fields))
                status, html = response.status_code, response.get_data(as_text=True)
                assert status < 500, html
                changed = fingerprint(hostile.connection) != baseline
                if status >= 400:
                    assert not changed, f"a refused form ({status}) wrote something"
                    assert endpoint in SILENT_REFUSALS or shows_a_message(html), (
                        f"a refusal ({status}) without a message: {html[:500]}"
                    )
                elif 300 <= status < 400:
                    location = urlsplit(response.location)
                    assert not location.netloc and not location.scheme, response.location
                    page = client.get(response.location)
                    assert page.status_code < 500
                    if "flash-error" in page.get_data(as_text=True):
                        assert not changed, "a form refused with a message wrote something"
                else:
                    assert not changed, f"a form answered {status} and wrote something"
                if changed:
                    assert audit_seq(hostile.connection) > seq, "a change without an audit entry"
                    assert audit_is_sound(hostile.app) == []

        post_hostile_form()

    each_endpoint(POSTS, check)


# Request headers and the language cookie that pages read.
HEADERS = ["Accept-Language", "If-None-Match", "If-Modified-Since", "X-Forwarded-For"]


def header_values() -> st.SearchStrategy[str]:
    """Hostile values that can travel in a header or a cookie (Latin-1, no line breaks)."""
    fits = [v for v in PAYLOADS if all(ord(c) < 256 for c in v) and not set(v) & set("\r\n\x00")]
    return st.one_of(
        st.sampled_from(fits + ["*", "en;q=2", "fr;q=-1", "ko;q=nan", "x" * 3000, '"' + "W/" * 50]),
        st.text(st.characters(max_codepoint=255, exclude_characters="\r\n\x00"), max_size=30),
    )


def test_hostile_parameters_get_no_500_and_write_nothing(hostile):
    def check(endpoint: str) -> None:
        client = hostile.client(role_for(ROUTES[(endpoint, "GET")][0]))
        rule = next(r for r in hostile.app.url_map.iter_rules() if r.endpoint == endpoint)

        @SETTINGS
        @given(data=st.data())
        def get_with_hostile_parameters(data: st.DataObject) -> None:
            overrides = {}
            for name in sorted(rule.arguments):
                if data.draw(st.integers(0, 2)) == 0:
                    converter = "int:" if f"<int:{name}>" in rule.rule else ""
                    overrides[name] = hostile_path_value(data, converter + name)
            names = data.draw(st.lists(st.sampled_from(QUERY_PARAMETERS), max_size=5))
            query = "&".join(f"{encode(n)}={encode(data.draw(hostile_values()))}" for n in names)
            url = hostile.url(endpoint, "GET", overrides)
            headers = {
                name: data.draw(header_values())
                for name in data.draw(st.lists(st.sampled_from(HEADERS), max_size=2))
            }
            locale = data.draw(
                st.one_of(st.none(), header_values().filter(lambda v: len(v) < 3000))
            )
            if locale is not None:
                client.set_cookie("locale", locale)
            with Rollback(hostile.connection, client), Writes(hostile.connection) as writes:
                response = client.get(url, query_string=query, headers=headers)
                client.delete_cookie("locale")
                assert response.status_code < 500, (url, query, headers, locale)
                # The API and the .json downloads answer in JSON, errors included.
                answers_json = url.startswith("/api/") or url.split("?")[0].endswith(".json")
                if answers_json and not 300 <= response.status_code < 400:
                    assert response.is_json, (url, query)
                    if response.status_code >= 400:
                        assert response.get_json()["error"]["message"]
                elif response.status_code >= 400:
                    assert shows_a_message(response.get_data(as_text=True)), (url, query)
            assert writes.statements == [], "a GET wrote something"

        get_with_hostile_parameters()

    each_endpoint(GETS, check)


def test_a_text_field_sent_a_file_is_refused_not_a_500(client, login_as, make, ledger):
    # Flask-WTF hands an uploaded file to a text field's validators (len() of a FileStorage).
    login_as(make.secretariat())
    before = ledger.snapshot()
    response = client.post(
        "/meetings/new",
        data={
            "title": (io.BytesIO(b"x"), "x.txt"),
            "starts_at": "2018-12-12T13:30",
            "ends_at": "2018-12-12T15:30",
            "place": "Seoul",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "could not be understood" in response.get_data(as_text=True)
    assert ledger.snapshot() == before


def test_editing_an_open_declaration_says_why_it_is_refused(hostile, ledger):
    # The page of an open declaration has no text form, so a form error went unseen (422).
    client = hostile.client("secretariat")
    before = ledger.snapshot()
    response = client.post(hostile.url("secretariat_declarations.edit", "POST"), data={})
    assert response.status_code == 409
    assert "Only a draft can be changed." in response.get_data(as_text=True)
    assert ledger.snapshot() == before


@pytest.mark.parametrize("endpoint", ["auth.disable_two_factor", "auth.new_recovery_codes"])
def test_two_factor_forms_posted_while_off_say_why(hostile, endpoint):
    client = hostile.client("delegate")
    response = client.post(hostile.url(endpoint, "POST"), data={})
    assert response.status_code >= 400
    assert shows_a_message(response.get_data(as_text=True))
