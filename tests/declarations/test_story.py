"""Joint declarations through HTTP: drafting, signing, paper signatures, withdrawal, exports."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from network.cities.models import MembershipStatus
from tests.conftest import PASSWORD

TODAY = datetime.now(UTC).date().isoformat()


@pytest.fixture
def people(make, as_user):
    seoul, hamburg = make.city("Seoul"), make.city("Hamburg", country="DE")
    suspended = make.city("Milan", country="IT", status=MembershipStatus.suspended)
    return {
        "secretariat": as_user(make.secretariat()),
        "seoul": as_user(make.delegate(seoul, signing_authority=True)),
        "seoul-2": as_user(make.delegate(seoul, signing_authority=True)),
        "seoul-staff": as_user(make.delegate(seoul)),
        "hamburg": as_user(make.delegate(hamburg, signing_authority=True)),
        "milan": as_user(make.delegate(suspended, signing_authority=True)),
        "observer": as_user(make.observer()),
    }


DRAFT = {
    "slug": "living-wage-2019",
    "authoritative_language": "en",
    "texts-0-language": "en",
    "texts-0-title": "Declaration on the living wage",
    "texts-0-preamble": "Cities can lead on fair pay.",
    "texts-0-commitments": "We pay a living wage.\n\nWe ask our contractors to do the same.",
    "texts-1-language": "ko",
    "texts-1-title": "생활임금 선언",
    "texts-1-preamble": "도시는 공정한 임금을 이끌 수 있다.",
    "texts-1-commitments": "우리는 생활임금을 지급한다.\n\n우리는 계약업체에도 같은 것을 요청한다.",
}


def open_declaration(secretariat, **changes) -> str:
    response = secretariat.post("/secretariat/declarations/new", data=DRAFT | changes)
    assert response.status_code == 302, response.get_data(as_text=True)
    slug = (DRAFT | changes)["slug"]
    assert secretariat.post(f"/secretariat/declarations/{slug}/open").status_code == 302
    return slug


def sign(client, slug, password=PASSWORD, **data):
    return client.post(
        f"/declarations/{slug}/sign",
        data={
            "signatory_name": "Park",
            "signatory_title": "Mayor of Seoul",
            "password": password,
            **data,
        },
    )


def test_signing_for_a_city_with_a_public_verification_code(app, people, ledger):
    slug = open_declaration(people["secretariat"])
    before = ledger.audit_seq()
    response = sign(people["seoul"], slug)
    assert response.status_code == 302
    page = people["seoul"].get(response.location).get_data(as_text=True)
    code = re.search(r"verification code is ([0-9A-Z-]{19})", page).group(1)
    assert ledger.audit_seq() == before + 1
    public = app.test_client()
    listed = public.get(f"/declarations/{slug}").get_data(as_text=True)
    assert "Mayor of Seoul" in listed and code in listed and "1 city has signed." in listed
    verified = public.get(f"/api/v1/verify/{code}").get_json()
    assert verified | {"signed_on": None} == verified | {
        "type": "signature",
        "declaration": slug,
        "city": "seoul",
        "signatory_name": "Park",
        "signatory_title": "Mayor of Seoul",
        "mode": "online",
        "withdrawn": False,
        "signed_on": None,
    }
    assert "Mayor of Seoul" in public.get(f"/verify/{code}").get_data(as_text=True)
    assert public.get("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ").status_code == 404
    assert public.get("/api/v1/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ").status_code == 404


def test_one_signature_per_city(app, people, ledger):
    slug = open_declaration(people["secretariat"])
    sign(people["seoul"], slug)
    before = ledger.audit_seq()
    again = sign(people["seoul-2"], slug)
    assert again.status_code == 409
    assert "Seoul has already signed this declaration." in again.get_data(as_text=True)
    assert ledger.audit_seq() == before


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        ("seoul-staff", 403, "Only a delegate with signing authority can sign for a city."),
        ("milan", 403, "Only member cities in good standing sign declarations."),
    ],
)
def test_who_may_not_sign(people, ledger, who, status, message):
    slug = open_declaration(people["secretariat"])
    before = ledger.audit_seq()
    response = sign(people[who], slug)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert ledger.audit_seq() == before
    assert sign(people["observer"], slug).status_code == 403


def test_a_wrong_password_signs_nothing(people, ledger):
    slug = open_declaration(people["secretariat"])
    before = ledger.audit_seq()
    response = sign(people["seoul"], slug, password="not my password")
    assert response.status_code == 422
    assert "The password is not correct." in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


def test_a_closed_declaration_takes_no_signature(people, ledger):
    slug = open_declaration(people["secretariat"])
    people["secretariat"].post(f"/secretariat/declarations/{slug}/close")
    before = ledger.audit_seq()
    response = sign(people["seoul"], slug)
    assert response.status_code == 409
    assert "not open for signature" in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


def test_paper_signatures_and_withdrawal_with_a_reason(app, people, ledger):
    officer = people["secretariat"]
    slug = open_declaration(officer)
    response = officer.post(
        f"/secretariat/declarations/{slug}/in-person",
        data={
            "city": "hamburg",
            "signatory_name": "Hamburg Mayor",
            "signatory_title": "First Mayor of Hamburg",
            "signed_on": TODAY,
        },
    )
    assert response.status_code == 302
    rows = app.test_client().get(f"/api/v1/declarations/{slug}/signatures").get_json()["items"]
    assert rows[0]["mode"] == "in_person" and rows[0]["signed_on"] == TODAY
    page = officer.get(f"/secretariat/declarations/{slug}").get_data(as_text=True)
    action = re.search(r'action="(/secretariat/declarations/[^"]+/withdraw)"', page).group(1)
    before = ledger.audit_seq()
    assert officer.post(action, data={"reason": "", "password": PASSWORD}).status_code == 302
    assert ledger.audit_seq() == before  # no reason, no withdrawal
    officer.post(
        action, data={"reason": "Signed by mistake for the wrong city office", "password": PASSWORD}
    )
    public = app.test_client()
    body = public.get(f"/api/v1/declarations/{slug}").get_json()
    assert body["signature_count"] == 0
    listed = public.get(f"/declarations/{slug}").get_data(as_text=True)
    assert "withdrawn" in listed and "Signed by mistake" in listed
    assert (
        public.get(f"/api/v1/declarations/{slug}/signatures").get_json()["items"][0]["withdrawn"]
        is True
    )


def test_the_text_falls_back_to_the_authoritative_language(app, people):
    slug = open_declaration(people["secretariat"])
    public = app.test_client()
    french = public.get(f"/declarations/{slug}", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "Declaration on the living wage" in french
    assert "anglais" in french  # says which language it is shown in
    korean = public.get(f"/declarations/{slug}", headers={"Accept-Language": "ko"}).get_data(
        as_text=True
    )
    assert "생활임금 선언" in korean
    api = public.get(f"/api/v1/declarations/{slug}?lang=es").get_json()
    assert api["language"] == "en" and api["authoritative_language"] == "en"
    assert [c["number"] for c in api["text"]["commitments"]] == [1, 2]


def test_exports_match_the_page(app, people):
    officer = people["secretariat"]
    slug = open_declaration(officer)
    sign(people["seoul"], slug)
    officer.post(
        f"/secretariat/declarations/{slug}/in-person",
        data={
            "city": "hamburg",
            "signatory_name": "=cmd|' /C calc'!A0",
            "signatory_title": "Mayor",
            "signed_on": TODAY,
        },
    )
    public = app.test_client()
    page = public.get(f"/declarations/{slug}").get_data(as_text=True)
    rows = list(
        csv.DictReader(
            io.StringIO(public.get(f"/declarations/{slug}/signatures.csv").get_data(as_text=True))
        )
    )
    exported = public.get(f"/declarations/{slug}/signatures.json").get_json()["items"]
    api = public.get(f"/api/v1/declarations/{slug}/signatures").get_json()["items"]
    assert [r["verification_code"] for r in rows] == [s["verification_code"] for s in exported]
    assert exported == api
    for signature in exported:
        assert signature["verification_code"] in page
    assert rows[0]["signatory_name"].startswith("'=")  # formula neutralised


def test_drafts_are_not_public_and_bad_drafts_are_refused(app, people, ledger):
    officer = people["secretariat"]
    officer.post("/secretariat/declarations/new", data=DRAFT)
    public = app.test_client()
    assert public.get(f"/declarations/{DRAFT['slug']}").status_code == 404
    assert public.get(f"/api/v1/declarations/{DRAFT['slug']}").status_code == 404
    before = ledger.audit_seq()
    for changes, message in [
        ({"slug": "Bad Slug"}, "Use lowercase letters"),
        ({"slug": DRAFT["slug"]}, "Another declaration already uses this address."),
        (
            {"slug": "x-2", "authoritative_language": "fr"},
            "Give the text in the authoritative language.",
        ),
        ({"slug": "x-3", "texts-1-language": "en"}, "Each language may appear only once."),
        (
            {"slug": "x-4", "texts-0-commitments": ""},
            "Give the title and the commitments in this language.",
        ),
    ]:
        response = officer.post("/secretariat/declarations/new", data=DRAFT | changes)
        assert response.status_code == 422, changes
        assert message in response.get_data(as_text=True), changes
    assert ledger.audit_seq() == before


def test_the_feed_lists_open_declarations(app, people):
    open_declaration(people["secretariat"])
    feed = app.test_client().get("/declarations/feed.atom")
    titles = [
        e.text for e in ET.fromstring(feed.get_data()).iter("{http://www.w3.org/2005/Atom}title")
    ]
    assert "Declaration on the living wage" in titles


def test_review_cases(app, people, ledger, rate_limits):
    officer = people["secretariat"]
    # "new" is the create form's address, so no declaration may take it.
    response = officer.post("/secretariat/declarations/new", data=DRAFT | {"slug": "new"})
    assert response.status_code == 422
    assert "Another declaration already uses this address." in response.get_data(as_text=True)
    # Drafts are for logged-in readers.
    officer.post("/secretariat/declarations/new", data=DRAFT)
    assert people["seoul-staff"].get(f"/declarations/{DRAFT['slug']}").status_code == 200
    assert app.test_client().get(f"/declarations/{DRAFT['slug']}").status_code == 404
    # Not a slug at all.
    assert app.test_client().get("/declarations/a%00b").status_code == 404
    assert app.test_client().get("/api/v1/cities/a%00b").status_code == 404
    officer.post(f"/secretariat/declarations/{DRAFT['slug']}/open")
    # A paper signature cannot predate the opening.
    before = ledger.audit_seq()
    response = officer.post(
        f"/secretariat/declarations/{DRAFT['slug']}/in-person",
        data={
            "city": "hamburg",
            "signatory_name": "M",
            "signatory_title": "Mayor",
            "signed_on": "1900-01-01",
        },
    )
    assert response.status_code == 422
    assert "before the declaration was opened" in response.get_data(as_text=True)
    assert ledger.audit_seq() == before
    # The form is refused before any password is typed to those who may not sign.
    assert people["seoul-staff"].get(f"/declarations/{DRAFT['slug']}/sign").status_code == 403
    # Password re-entry is throttled per account (failures only).
    for _ in range(5):
        assert sign(people["seoul"], DRAFT["slug"], password="wrong guess").status_code == 422
    assert sign(people["seoul"], DRAFT["slug"]).status_code == 429
