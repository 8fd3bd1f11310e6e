"""The 2018 Roundtable made ready to run: who is there, one proxy, and its papers.

The seed document's programme names the cities expected at the City Government
Roundtable (12 December 2018, Seoul City Hall): New York, Hamburg, Milan, Vienna,
Marseille, Johannesburg and Chefchaouen, with Seoul as host. **Who is recorded
present, how, and the proxy are demo state, not the seed's**: chosen among those
cities so that the session can be run at once, with its quorum met and one proxy to
use. New York is left absent, its delegate (who has signing authority) free to give
New York's proxy before the session opens.

The papers are small real files made when the demo is loaded and kept through the
upload store (``network.common.storage``), as an upload would be: the agenda as a
one-page PDF (WeasyPrint, the project's stylesheet and font), and the 2017 Seoul
Declaration as text, its Korean original (the seed's) with the project's English
translation.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from markupsafe import escape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from network.auth.models import User
from network.cities.models import City
from network.common.storage import storage
from network.db import db
from network.documents.pdf import STYLESHEET, StaticOnlyFetcher
from network.meetings import attendance, papers, proxies
from network.meetings.models import AgendaKind, AttendanceMode, Meeting

# Demo state (see above): the cities present, how, and who represents them.
PRESENT: dict[str, tuple[AttendanceMode, tuple[str, ...]]] = {
    "seoul": (AttendanceMode.in_room, ("seoul@example.org", "seoul.staff@example.org")),
    "hamburg": (AttendanceMode.in_room, ("hamburg@example.org",)),
    "vienna": (AttendanceMode.in_room, ("vienna@example.org",)),
    "marseille": (AttendanceMode.in_room, ("marseille@example.org",)),
    "milan": (AttendanceMode.online, ("milan@example.org",)),
    "johannesburg": (AttendanceMode.online, ("johannesburg@example.org",)),
}
# Demo state: Chefchaouen, absent, gives its proxy to Marseille (its delegate has
# signing authority; the founding rules allow proxies, at most one held per city).
PROXY_GIVEN_BY = "chefchaouen@example.org"
PROXY_HELD_BY = "marseille"

# The programme of the roundtable (the seed's "도시정부 라운드 테이블"), in English.
PROGRAMME = [
    "Chaired by Seoul's Director-General for Job and Labour Policy.",
    "Keynote (30 minutes): Tomoko Nishimoto, Regional Director of the ILO for Asia and the "
    "Pacific, on the decent work city the ILO aims for.",
    "City governments' good practices and open discussion.",
]

_SEOUL = json.loads((Path(__file__).parent / "seoul_declaration.json").read_text("utf-8"))


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _city(slug: str) -> City:
    return db.session.scalar(sa.select(City).where(City.slug == slug))


def seed_room(meeting: Meeting, secretariat: User, now: datetime) -> None:
    """Give Chefchaouen's proxy to Marseille and record the cities present."""
    proxies.grant_proxy(meeting, _city(PROXY_HELD_BY), actor=_user(PROXY_GIVEN_BY), now=now)
    presences = {
        _city(slug).id: attendance.Presence(mode, tuple(_user(email).id for email in emails))
        for slug, (mode, emails) in PRESENT.items()
    }
    attendance.record_attendance(meeting, presences, actor=secretariat, now=now)


def agenda_pdf(meeting: Meeting) -> bytes:
    """Return the roundtable's agenda as a one-page PDF."""
    start, end = meeting.local_start, meeting.local_end
    items = "".join(
        f"<li>{escape(item.title)}</li>" for item in sorted(meeting.items, key=lambda i: i.position)
    )
    programme = "".join(f"<li>{escape(line)}</li>" for line in PROGRAMME)
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Agenda · {escape(meeting.title)}</title></head><body>"
        '<header class="pdf-header"><p class="network">Decent Work City Network</p>'
        '<p class="kind">Agenda</p></header>'
        f"<h1>{escape(meeting.title)}</h1>"
        f"<p>{start:%d %B %Y}, {start:%H:%M}–{end:%H:%M} ({escape(meeting.time_zone)}) · "
        f"{escape(meeting.place)}</p>"
        f"<h2>Programme</h2><ul>{programme}</ul>"
        f"<h2>For decision</h2><ol>{items}</ol>"
        "<p>International Forum on Transforming Cities for Decent Work, Seoul, "
        "11–12 December 2018.</p></body></html>"
    )
    fonts = FontConfiguration()
    fetcher = StaticOnlyFetcher(allowed_protocols=("file",))
    stylesheet = CSS(filename=str(STYLESHEET), font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_tags=True)


def declaration_text(language: str) -> bytes:
    """Return the 2017 Seoul Declaration in ``language`` (ko or en) as UTF-8 text."""
    text = _SEOUL[language]
    commitments = [f"{number}. {line}" for number, line in enumerate(text["commitments"], 1)]
    adopted = {
        "ko": "좋은 일자리 도시 국제포럼\n2017년 9월 6일 서울에서 채택",
        "en": "International Forum on Decent Work Cities\nAdopted in Seoul on 6 September 2017",
    }[language]
    body = "\n\n".join([text["title"], text["preamble"], "\n".join(commitments), adopted])
    return (body + "\n").encode("utf-8")


def seed_papers(meeting: Meeting, secretariat: User, now: datetime) -> list[papers.Paper]:
    """Attach the agenda (PDF) and the Seoul Declaration (Korean, and English) to the meeting."""
    store, limit = storage(), current_app.config["PAPER_MAX_SIZE"]
    charter_item = next(item for item in meeting.items if item.kind is AgendaKind.charter)

    def add(
        content: bytes, filename: str, title: str, language: str, **where: object
    ) -> papers.Paper:
        return papers.add_paper(
            meeting,
            stream=io.BytesIO(content),
            filename=filename,
            title=title,
            language=language,
            item=where.get("item"),  # type: ignore[arg-type]
            translation_of=where.get("translation_of"),  # type: ignore[arg-type]
            visibility=papers.PaperVisibility.public,
            max_size=limit,
            store=store,
            actor=secretariat,
            now=now,
        )

    agenda = add(agenda_pdf(meeting), "roundtable-agenda.pdf", "Agenda of the roundtable", "en")
    original = add(
        declaration_text("ko"),
        "seoul-declaration-2017-ko.txt",
        _SEOUL["ko"]["title"],
        "ko",
        item=charter_item,
    )
    english = add(
        declaration_text("en"),
        "seoul-declaration-2017-en.txt",
        _SEOUL["en"]["title"],
        "en",
        item=charter_item,
        translation_of=original,
    )
    return [agenda, original, english]
