"""Languages: locale choice, translated pages and errors, complete catalogues."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from network import ROOT, create_app
from tests.conftest import PASSWORD

LOCALES = ("en", "ko", "fr", "es")
# A phrase of the home page in each language, as the catalogue translates it.
HOME_TITLE = {
    "en": "Decent Work City Network",
    "ko": "좋은 일자리도시 네트워크",
    "fr": "Réseau des villes pour le travail décent",
    "es": "Red de Ciudades por el Trabajo Decente",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogue(locale: str):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_browser_language_is_used(client, locale):
    html = client.get("/", headers={"Accept-Language": f"{locale};q=0.9"}).get_data(as_text=True)
    assert f'<html lang="{locale}">' in html
    assert HOME_TITLE[locale] in html


def test_page_choice_beats_the_browser_and_user_setting_beats_both(client, make, login_as):
    client.post("/language", data={"locale": "fr", "next": "/cities/"})
    html = client.get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert HOME_TITLE["fr"] in html

    user = make.delegate(make.city("Seoul"))
    login_as(user)
    client.post("/account/locale", data={"locale-locale": "es"})
    client.post("/language", data={"locale": "ko"})  # a logged-in switch becomes the setting
    assert HOME_TITLE["ko"] in client.get("/").get_data(as_text=True)
    client.post("/account/locale", data={"locale-locale": "es"})
    with client.session_transaction() as session:
        session["locale"] = "fr"
    assert HOME_TITLE["es"] in client.get("/", headers={"Accept-Language": "ko"}).get_data(
        as_text=True
    )


def test_language_switch_refuses_unknown_locales_and_offsite_redirects(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example"})
    assert response.location == "/"
    assert HOME_TITLE["en"] in client.get("/").get_data(as_text=True)


def test_setting_an_unknown_account_locale_is_refused(client, make, login_as, ledger):
    login_as(make.observer())
    before = ledger.snapshot()
    response = client.post("/account/locale", data={"locale-locale": "de"})
    assert response.status_code == 422
    assert ledger.snapshot() == before


@pytest.fixture(scope="module")
def failing_app(database_url):
    application = create_app(
        "testing", {"DATABASE_URL": database_url, "PROPAGATE_EXCEPTIONS": False}
    )

    @application.route("/boom")
    def boom():  # pragma: no cover - the body only raises
        raise RuntimeError("boom")

    return application


ERROR_TITLES = {
    404: {"en": "Page not found", "ko": None, "fr": None, "es": None},
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("status", "msgid"),
    [(404, "Page not found"), (403, "Not allowed"), (500, "Something went wrong")],
)
def test_error_pages_in_every_language(
    app, client, failing_app, make, login_as, locale, status, msgid
):
    expected = catalogue(locale)[msgid].string
    headers = {"Accept-Language": locale}
    if status == 404:
        response = client.get("/no-such-page", headers=headers)
    elif status == 403:
        login_as(make.observer())
        response = client.get("/secretariat/", headers=headers)
    else:
        response = failing_app.test_client().get("/boom", headers=headers)
    assert response.status_code == status
    assert expected and expected in response.get_data(as_text=True)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_is_complete_and_keeps_placeholders(locale):
    problems = []
    for message in catalogue(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) - wanted or (
                len(strings) == 1 and set(PLACEHOLDER.findall(string)) != wanted
            ):
                problems.append(f"placeholders differ: {ids[0]!r} → {string!r}")
    assert problems == []


def test_catalogues_hold_every_string_of_the_code(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(pot),
            "network",
            "templates",
        ],
        cwd=ROOT,
        check=True,
    )
    with open(pot, "rb") as handle:
        # A message is its context and its text: "Yes" on a ballot is not "Yes" in settings.
        extracted = {
            (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id
        }
    assert len(extracted) > 150  # the extraction itself worked
    assert ("ballot", "Yes") in extracted and ("person", "Title") in extracted
    for locale in LOCALES:
        known = {
            (m.context, m.id if isinstance(m.id, str) else m.id[0])
            for m in catalogue(locale)
            if m.id
        }
        missing = sorted(extracted - known, key=lambda m: (m[0] or "", m[1]))
        assert missing == [], f"{locale}: run `make translations` and translate {missing[:5]}"


def test_password_login_page_is_translated(client):
    html = client.get("/login", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert catalogue("ko")["Log in"].string in html
    assert PASSWORD not in html
