"""Languages of content (not of the interface): a code's name, its ``lang`` tag, its direction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from babel import Locale
from flask import request
from flask_babel import get_locale


@dataclass(frozen=True)
class ContentLanguage:
    """How to present a text in one language: headed by its name, marked with its tag."""

    code: str  # as stored, e.g. ko or zh_Hant
    tag: str  # BCP 47, for the lang attribute: ko, zh-Hant
    name: str  # in the interface language: "Korean", "coréen"
    direction: str  # for the dir attribute: ltr or rtl


def content_language(code: str | None) -> ContentLanguage | None:
    """Describe the language ``code`` for the reader, or None when it names no known language."""
    from network.cities.rules import is_language_tag  # the registry's rule for language codes

    code = (code or "").strip()
    if not is_language_tag(code):
        return None
    locale = Locale.parse(code.replace("-", "_"))
    return ContentLanguage(
        code=code,
        tag=code.replace("_", "-"),
        name=locale.get_display_name(get_locale()) or code,
        direction="rtl" if locale.character_order == "right-to-left" else "ltr",
    )


def is_same_language(first: str | None, second: str | None) -> bool:
    """Tell whether two codes name the same language (``zh_Hant`` and ``zh-Hant`` do)."""
    one, other = content_language(first), content_language(second)
    return one is not None and other is not None and one.tag.lower() == other.tag.lower()


HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def typed_language(text: str | None) -> str | None:
    """Guess the language of words a reader typed (a search), for the field's ``lang``.

    Only the script tells, and only Hangul names one language: Korean words typed on a
    page in English are marked ``ko`` so that a screen reader speaks them as Korean.
    Latin words could be any of several languages and keep the page's.
    """
    return "ko" if text and HANGUL.search(text) else None


def asked_language(available: Iterable[str]) -> str | None:
    """Return the language a reader asked for with ``?lang=``, as the text has it, else None.

    A multilingual text links to its other versions on the same page (``?lang=ko``):
    the content is shown in that language while the interface stays in the reader's.
    Only a language the text exists in counts (``zh-Hant`` finds a ``zh_Hant`` text);
    anything else is ignored and the page shows the reader's language as usual.
    """
    wanted = request.args.get("lang", "", type=str).strip()[:16]
    if not wanted:
        return None
    return next((code for code in available if is_same_language(code, wanted)), None)
