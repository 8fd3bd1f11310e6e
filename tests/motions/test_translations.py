"""Motions in several languages: the original stays authoritative, translations sit beside it."""

from __future__ import annotations

import re

import pytest

from network.motions.models import MotionText
from tests.language_columns import language_columns
from tests.motions.test_story import propose

KOREAN = {
    "language": "ko",
    "title": "시 계약업체의 생활임금",
    "text": "이사회는 생활임금을 **권고한다**.",
}
ENGLISH = {
    "texts-0-language": "en",
    "texts-0-title": "Living wage for city contractors",
    "texts-0-text": "The Council **recommends** a living wage.",
}
FRENCH = {
    "texts-1-language": "fr",
    "texts-1-title": "Salaire décent pour les prestataires des villes",
    "texts-1-text": "Le Conseil **recommande** un salaire décent.",
}


@pytest.fixture
def people(make, as_user):
    seoul, hamburg = make.city("Seoul"), make.city("Hamburg", country="DE")
    return {
        "seoul": as_user(make.delegate(seoul)),
        "seoul-2": as_user(make.delegate(seoul)),
        "hamburg": as_user(make.delegate(hamburg)),
        "secretariat": as_user(make.secretariat()),
        "observer": as_user(make.observer()),
    }


@pytest.fixture
def motion_id(people):
    """A motion Seoul proposed in Korean."""
    return propose(people["seoul"], **KOREAN)


def read(app, motion_id, language, query=""):
    """The motion's public page as a reader whose browser asks for ``language``."""
    response = app.test_client().get(
        f"/motions/{motion_id}{query}", headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def heading(html):
    return re.search(r"<h1([^>]*)>(.*?)</h1>", html, re.S).groups()


def text_section(html):
    return re.search(r'<section class="motion-text"([^>]*)>(.*?)</section>', html, re.S).groups()


def test_a_motion_keeps_the_language_it_was_proposed_in(app, motion_id, ledger):
    html = read(app, motion_id, "en")
    attributes, title = heading(html)
    assert title == KOREAN["title"] and 'lang="ko"' in attributes
    attributes, text = text_section(html)
    assert 'lang="ko"' in attributes and "<strong>권고한다</strong>" in text
    assert "Shown in Korean, the authoritative text: there is no translation in your language." in (
        html
    )
    proposed = [e for e in ledger.entries_since(0) if e.action == "motion.proposed"][-1]
    assert proposed.data["language"] == "ko"
    # A reader of Korean reads the original, and nothing needs saying.
    html = read(app, motion_id, "ko")
    assert "authoritative text" not in html and "Translation." not in html


def test_the_language_is_the_interface_language_unless_given(app, people):
    form = people["hamburg"].get("/motions/new", headers={"Accept-Language": "fr"})
    assert re.search(r'<input[^>]*name="language"[^>]*value="fr"', form.get_data(as_text=True))
    motion_id = propose(people["hamburg"], title="Living wage")  # the field left out
    assert heading(read(app, motion_id, "ko"))[0] == ' lang="en" dir="ltr"'


def test_a_motion_in_an_unknown_language_is_refused(people, ledger):
    before = ledger.audit_seq()
    response = people["seoul"].post(
        "/motions/new",
        data={"title": "T", "text": "X", "kind": "ordinary", "language": "xx-nonsense"},
    )
    assert response.status_code == 422
    assert "“xx-nonsense” is not a language code." in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


def test_the_translations_page_puts_the_original_beside_the_translations(people, motion_id):
    page = people["seoul-2"].get(f"/motions/{motion_id}/translations")
    assert page.status_code == 200
    original, blank = language_columns(page.get_data(as_text=True))
    assert (original.element, original.heading, original.marker) == (
        "section",
        "Korean",
        "original, authoritative",
    )
    assert original.fields == {}  # shown, not edited: the original stays as proposed
    assert original.passages == [{"lang": "ko", "dir": "ltr"}] * 2
    assert (blank.element, blank.heading, blank.marker) == ("fieldset", "Language 1", "")


def test_translations_are_added_each_with_an_audit_entry(app, people, motion_id, ledger):
    before = ledger.audit_seq()
    response = people["seoul-2"].post(f"/motions/{motion_id}/translations", data=ENGLISH | FRENCH)
    assert response.status_code == 302
    entries = ledger.entries_since(before)
    assert [(e.action, e.subject_id, e.data["language"]) for e in entries] == [
        ("motion.translation_added", str(motion_id), "en"),
        ("motion.translation_added", str(motion_id), "fr"),
    ]
    assert entries[0].data["title"] == ENGLISH["texts-0-title"]
    assert ledger.count(MotionText) == 2

    page = people["secretariat"].get(f"/motions/{motion_id}/translations")
    columns = language_columns(page.get_data(as_text=True))
    assert [(c.heading, c.marker) for c in columns] == [
        ("Korean", "original, authoritative"),
        ("English", ""),
        ("French", ""),
        ("Language 3", ""),
    ]
    assert columns[2].fields["texts-1-text"] == {"lang": "fr", "dir": "ltr"}


def test_the_reader_gets_their_language_and_is_told_the_original_prevails(app, people, motion_id):
    people["seoul"].post(f"/motions/{motion_id}/translations", data=ENGLISH | FRENCH)
    html = read(app, motion_id, "en")
    attributes, title = heading(html)
    assert title == ENGLISH["texts-0-title"] and 'lang="en"' in attributes
    attributes, text = text_section(html)
    assert 'lang="en"' in attributes and "<strong>recommends</strong>" in text
    assert "Translation. The Korean text is authoritative." in html
    assert f'href="/motions/{motion_id}?lang=ko">Read the original</a>' in html

    html = read(app, motion_id, "fr")
    assert heading(html)[1] == FRENCH["texts-1-title"]
    assert f'href="/motions/{motion_id}?lang=ko">' in html  # the notice's link to the original

    # No Spanish translation: the original, saying so.
    html = read(app, motion_id, "es")
    assert heading(html)[1] == KOREAN["title"]

    # The link to the original gives the original, and says what it is.
    html = read(app, motion_id, "en", "?lang=ko")
    assert heading(html)[1] == KOREAN["title"]
    assert "The original text, in Korean; it is authoritative." in html
    assert f'href="/motions/{motion_id}?lang=en"' in html  # back to the translation
    # A language the motion is not in is no choice: the reader's language is used.
    assert heading(read(app, motion_id, "en", "?lang=de"))[1] == ENGLISH["texts-0-title"]


def test_the_motion_list_names_each_motion_in_the_readers_language(app, people, motion_id):
    people["seoul"].post(f"/motions/{motion_id}/translations", data=ENGLISH)
    html = (
        app.test_client().get("/motions/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    )
    assert re.search(r'lang="en" dir="ltr">Living wage for city contractors</a>', html)
    html = (
        app.test_client().get("/motions/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    )
    assert re.search(r'lang="ko" dir="ltr">시 계약업체의 생활임금</a>', html)


def test_changing_and_removing_translations_each_leave_an_audit_entry(people, motion_id, ledger):
    people["seoul"].post(f"/motions/{motion_id}/translations", data=ENGLISH | FRENCH)
    before = ledger.audit_seq()
    response = people["secretariat"].post(
        f"/motions/{motion_id}/translations",
        data=ENGLISH
        | {"texts-0-text": "The Council recommends a living wage for contractors."}
        | {"texts-1-language": "", "texts-1-title": "", "texts-1-text": ""},
    )
    assert response.status_code == 302
    assert [(e.action, e.data["language"]) for e in ledger.entries_since(before)] == [
        ("motion.translation_removed", "fr"),
        ("motion.translation_changed", "en"),
    ]
    assert ledger.count(MotionText) == 1

    # Saving again without a change changes nothing and writes nothing.
    before = ledger.audit_seq()
    response = people["secretariat"].post(
        f"/motions/{motion_id}/translations",
        data=ENGLISH | {"texts-0-text": "The Council recommends a living wage for contractors."},
        follow_redirects=True,
    )
    assert "Nothing changed" in response.get_data(as_text=True)
    assert ledger.audit_seq() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"texts-0-language": "ko", "texts-0-title": "제목", "texts-0-text": "본문"},
            "The motion was written in this language (ko)",
        ),
        (
            ENGLISH | {"texts-1-language": "en", "texts-1-title": "B", "texts-1-text": "C"},
            ("Each language may appear only once."),
        ),
        (ENGLISH | {"texts-0-language": "xx-nonsense"}, "“xx-nonsense” is not a language code."),
        (ENGLISH | {"texts-0-text": ""}, "Give the title and the text in this language."),
        (ENGLISH | {"texts-0-title": "x" * 201}, "Field cannot be longer than 200 characters."),
        (ENGLISH | {"texts-0-text": "bell \x07"}, "characters that are not allowed"),
    ],
)
def test_bad_translations_are_refused_and_write_nothing(people, motion_id, ledger, data, message):
    people["seoul"].post(f"/motions/{motion_id}/translations", data=FRENCH)
    before, texts = ledger.audit_seq(), ledger.count(MotionText)
    response = people["seoul"].post(f"/motions/{motion_id}/translations", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (ledger.audit_seq(), ledger.count(MotionText)) == (before, texts)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("seoul", True),
        ("seoul-2", True),
        ("secretariat", True),
        ("hamburg", False),
        ("observer", False),
    ],
)
def test_only_the_secretariat_and_the_proposing_city_translate(
    people, motion_id, ledger, who, allowed
):
    client = people[who]
    before = ledger.audit_seq()
    page = client.get(f"/motions/{motion_id}/translations")
    response = client.post(f"/motions/{motion_id}/translations", data=ENGLISH)
    link = f'href="/motions/{motion_id}/translations"' in client.get(
        f"/motions/{motion_id}"
    ).get_data(as_text=True)
    if allowed:
        assert (page.status_code, response.status_code, link) == (200, 302, True)
        assert ledger.audit_seq() == before + 1
    else:
        assert (page.status_code, response.status_code, link) == (403, 403, False)
        assert ledger.audit_seq() == before


def test_anonymous_readers_are_sent_to_log_in(client, motion_id, ledger):
    before = ledger.audit_seq()
    response = client.post(f"/motions/{motion_id}/translations", data=ENGLISH)
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    assert ledger.audit_seq() == before
