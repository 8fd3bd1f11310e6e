"""The practices library's search at 13,000 cities × 5 practices (issue #20), for ``make bench``.

Every member city gets five published practices, each in English and in one other
language (Korean, French or Spanish, by turns), written from a small vocabulary of the
network's themes so that a word matches a realistic share of the library: ``wage``
about one practice in four, ``생활임금`` and ``économie`` fewer, a city's own name a
handful. The rows go in with Core ``executemany`` (as ``bench/dataset.py`` loads the
rest), each with its folded search document (``search.document_of``'s rule) and, on
SQLite, its FTS5 row: what ``services`` would have written one practice at a time.

The figures: each query's p95 through the library's page (``/practices/?q=``, the
public cache off, as a person searching sees it) and through the API
(``/api/v1/practices?q=``), on SQLite (FTS5) and on PostgreSQL (the GIN index), against
the target of 50 ms. The same loop counts the page's statements.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from bench import dataset as data
from network import create_app
from network.cities.models import City, MembershipStatus
from network.common import clock
from network.db import db
from network.demo.seed import seed_demo
from network.practices import search
from network.practices.models import (
    Instrument,
    Pillar,
    Practice,
    PracticePillar,
    PracticeStatus,
    PracticeText,
)

PER_CITY = 5
TARGET_MS = 50.0
REQUESTS = 40

# (English title, English summary) and each other language's, one per theme.
THEMES: list[dict[str, tuple[str, str]]] = [
    {
        "en": ("Living wage for city workers", "A wage that covers the cost of living."),
        "ko": ("생활임금 조례", "시 노동자에게 생활임금을 보장합니다."),
        "fr": ("Salaire décent des agents", "Un salaire qui couvre le coût de la vie."),
        "es": ("Salario digno municipal", "Un salario que cubre el costo de vida."),
    },
    {
        "en": ("Public procurement with fair wages", "Contracts require fair wages."),
        "ko": ("공정한 공공조달", "계약에 공정 임금을 요구합니다."),
        "fr": ("Marchés publics équitables", "Les contrats exigent des salaires justes."),
        "es": ("Contratación pública justa", "Los contratos exigen salarios justos."),
    },
    {
        "en": ("Shorter working time", "A shorter working week without loss of pay."),
        "ko": ("노동시간 단축", "임금 삭감 없는 노동시간 단축."),
        "fr": ("Réduction du temps de travail", "La semaine de 35 heures."),
        "es": ("Reducción de la jornada", "Una semana laboral más corta."),
    },
    {
        "en": ("Business and employment cooperatives", "Cooperatives of the social economy."),
        "ko": ("협동조합 지원", "사회적경제 협동조합을 지원합니다."),
        "fr": ("Coopératives d'activité et d'emploi", "L'économie sociale et solidaire."),
        "es": ("Cooperativas de empleo", "La economía social y solidaria."),
    },
    {
        "en": ("Protection of freelance workers", "Freelancers are paid on time and in full."),
        "ko": ("프리랜서 보호", "프리랜서의 보수를 제때 지급합니다."),
        "fr": ("Protection des travailleurs indépendants", "Paiement à temps et en entier."),
        "es": ("Protección de los trabajadores autónomos", "Pago puntual y completo."),
    },
    {
        "en": ("Worker board members", "Workers sit on the boards of public companies."),
        "ko": ("노동이사제", "공공기관 이사회에 노동자가 참여합니다."),
        "fr": ("Administrateurs salariés", "Les salariés siègent aux conseils."),
        "es": ("Consejeros trabajadores", "Los trabajadores en los consejos."),
    },
    {
        "en": ("Labour rights centre", "Advice for non-regular and vulnerable workers."),
        "ko": ("노동권익센터", "비정규직과 취약 노동자를 상담합니다."),
        "fr": ("Centre des droits du travail", "Conseil aux travailleurs précaires."),
        "es": ("Centro de derechos laborales", "Asesoría a trabajadores vulnerables."),
    },
    {
        "en": ("Basic income pilot", "A basic income tried with a group of residents."),
        "ko": ("기본소득 시범사업", "주민 집단에게 기본소득을 시범 지급합니다."),
        "fr": ("Expérimentation du revenu de base", "Un revenu de base expérimenté."),
        "es": ("Piloto de renta básica", "Una renta básica a prueba."),
    },
]
OTHER_LANGUAGES = ("ko", "fr", "es")
INSTRUMENTS = list(Instrument)
PILLARS = list(Pillar)


def add_practices(now: datetime, rng: random.Random) -> int:
    """Give every member city ``PER_CITY`` published practices; return how many."""
    cities = db.session.execute(
        sa.select(City.id, City.slug, City.name)
        .where(City.status == MembershipStatus.member)
        .order_by(City.id)
    ).all()
    first_id = (db.session.scalar(sa.select(sa.func.max(Practice.id))) or 0) + 1
    practices: list[dict[str, Any]] = []
    texts: list[dict[str, Any]] = []
    pillars: list[dict[str, Any]] = []
    for number, (city_id, slug, name) in enumerate(
        (city for city in cities for _ in range(PER_CITY)), start=0
    ):
        practice_id = first_id + number
        theme = THEMES[(number + city_id) % len(THEMES)]
        other = OTHER_LANGUAGES[number % len(OTHER_LANGUAGES)]
        written = {}
        for language in ("en", other):
            title, summary = theme[language]
            body = f"{summary} {name}: {title}."
            written[language] = (f"{title} ({name})", summary, body)
            texts.append(
                {
                    "practice_id": practice_id,
                    "language": language,
                    "title": written[language][0],
                    "summary": summary,
                    "body": body,
                }
            )
        parts = [name]
        for language in sorted(written):
            parts.extend(written[language])
        published = now - timedelta(minutes=number)
        practices.append(
            {
                "id": practice_id,
                "slug": f"{slug}-p{number % PER_CITY}"[:64],
                "city_id": city_id,
                "authoritative_language": "en",
                "instrument": INSTRUMENTS[number % len(INSTRUMENTS)],
                "status": PracticeStatus.in_force,
                "started_on": date(2015, 1, 1) + timedelta(days=rng.randrange(3000)),
                "links": [],
                "featured": number % 1000 == 0,
                # The rule of search.document_of, on the rows rather than objects.
                "search_document": " ".join(search.WORD.findall(search.fold(" ".join(parts)))),
                "created_at": published,
                "updated_at": published,
                "published_at": published,
                "created_by_id": None,
            }
        )
        pillars.append({"practice_id": practice_id, "pillar": PILLARS[number % len(PILLARS)]})
    data.insert(Practice, practices)
    data.insert(PracticeText, texts)
    data.insert(PracticePillar, pillars)
    if db.session.get_bind().dialect.name == "sqlite":
        insert_fts = sa.text(
            f"INSERT INTO {search.SQLITE_TABLE} (rowid, document) VALUES (:id, :document)"
        )
        for batch in data.chunks(practices):
            db.session.execute(
                insert_fts, [{"id": p["id"], "document": p["search_document"]} for p in batch]
            )
    return len(practices)


def fill(url: str, scale: float, *, fresh: bool) -> tuple[int, str]:
    """Add the practices to the database at ``url``; return how many and a city's name.

    ``fresh``: the database is empty (PostgreSQL's own schema): migrate it and load the
    demo and the member cities first, as ``bench/dataset.py`` does on SQLite.
    """
    app = create_app("testing", {"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        now = clock.now().replace(microsecond=0)
        if fresh:
            upgrade()
            seed_demo(now)
            db.session.commit()
            data.add_cities(data.Sizes.at(scale), random.Random(20), now + timedelta(seconds=1))
            db.session.commit()
        added = add_practices(now, random.Random(20))
        db.session.commit()
        name = db.session.scalar(
            sa.select(City.name)
            .where(City.status == MembershipStatus.member)
            .order_by(City.id.desc())
        )
        db.session.remove()
        data.analyse(db.engine)
        db.engine.dispose()
    return added, name or ""


def queries(city_name: str) -> list[tuple[str, str]]:
    """Return the searches measured: (what it shows, the words)."""
    return [
        ("a common English word", "wage"),
        ("Korean", "생활임금"),
        ("French with accents", "économie"),
        ("a prefix", "coop"),
        ("two words", "public procurement"),
        ("a city's name", city_name),
        ("no words (the whole library)", ""),
    ]


def measure(
    app: Flask,
    timer: Callable[[Any, str, int], tuple[float, float, int, int]],
    counter: Callable[[Flask, list[tuple[str, str]]], dict[str, int | None]],
    city_name: str,
) -> list[dict[str, Any]]:
    """Time each search through the page and the API; count the page's statements."""
    client = app.test_client()
    found = []
    for what, words in queries(city_name):
        page = f"/practices/?q={quote(words)}"
        api = f"/api/v1/practices?q={quote(words)}"
        total = client.get(api).get_json()["total"]
        _median, page_p95, _n, _size = timer(client, page, REQUESTS)
        _median, api_p95, _n, _size = timer(client, api, REQUESTS)
        statements = counter(app, [(page, page)])[page]
        found.append(
            {
                "what": what,
                "words": words,
                "total": total,
                "page_p95": page_p95,
                "api_p95": api_p95,
                "statements": statements,
            }
        )
    return found
