"""Turn models into the API's JSON shapes (SPEC "API contract"); no logic, no queries."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask import url_for

from network.audit.models import AuditEntry
from network.auth.models import User
from network.charter.models import CharterVersion
from network.cities.models import City
from network.commitments.models import ReportVersion
from network.common import clock
from network.declarations.models import Declaration
from network.elections.models import Election, ElectionStatus, Term
from network.indicators.models import Indicator, ValueVersion
from network.meetings.models import Meeting
from network.motions.models import Motion
from network.practices.models import Practice
from network.resolutions.models import Resolution
from network.votes.models import Vote, VoteStatus
from network.votes.rules import is_accepting_ballots


def city_summary(city: City, language: str = "en") -> dict[str, Any]:
    """Return a city as an item of ``GET /api/v1/cities``, named also in ``language``.

    ``local_name`` is the city's name in ``language`` when it has one, else in English.
    """
    return {
        "slug": city.slug,
        "name": city.name,
        "local_name": city.local_name(language) or city.name,
        "country": city.country,
        "region": city.region.value,
        "status": city.status.value,
        "joined_on": city.joined_on.isoformat() if city.joined_on else None,
        "url": url_for("cities.show", slug=city.slug, _external=True),
    }


def city_detail(
    city: City,
    delegates: list[User],
    terms: list[Term],
    signed: list[Declaration],
    language: str = "en",
) -> dict[str, Any]:
    """Return a city as ``GET /api/v1/cities/<slug>`` gives it, named also in ``language``."""
    return {
        **city_summary(city, language),
        "names": {"en": city.name}
        | {lang: text.name for lang, text in sorted(city.texts.items()) if text.name},
        "website": city.website,
        "profile": {
            lang: text.profile for lang, text in sorted(city.texts.items()) if text.profile
        },
        "delegates": [user.name for user in delegates],
        "declarations_signed": [declaration.slug for declaration in signed],
        "chair_terms": [term_of_office(term) for term in terms],
        "status_history": [
            {
                "from": change.from_status.value if change.from_status else None,
                "to": change.to_status.value,
                "effective_on": change.effective_on.isoformat(),
                "reason": change.reason,
            }
            for change in city.history
        ],
    }


def charter_version_summary(version: CharterVersion) -> dict[str, Any]:
    """Return a version as an item of ``GET /api/v1/charter/versions``."""
    return {
        "version": version.number,
        "status": version.status.value,
        "adopted_on": version.adopted_on.isoformat() if version.adopted_on else None,
        "resolution": version.resolution.number if version.resolution else None,
        "authoritative_language": version.authoritative_language,
        "url": url_for("charter.version", number=version.number, _external=True),
    }


def charter_version(version: CharterVersion, language: str) -> dict[str, Any]:
    """Return a version with its rules and its articles in ``language`` (else authoritative)."""
    articles = []
    for article in version.articles:
        text = article.text_in(language, version.authoritative_language)
        if text is None:
            continue
        articles.append(
            {
                "number": article.number,
                "title": text.title,
                "text": text.body,
                "language": text.language,
                "authoritative_language": version.authoritative_language,
            }
        )
    return {
        **charter_version_summary(version),
        "rules": version.rules.to_dict(),
        "articles": articles,
    }


def vote(
    vote: Vote,
    *,
    title: str,
    ballots_cast: int,
    roll_call: list[dict] | None,
    ballots: list[dict] | None,
) -> dict[str, Any]:
    """Return a vote as ``GET /api/v1/votes/<id>`` gives it; the result once closed."""
    body: dict[str, Any] = {
        "id": vote.id,
        "subject": {"type": vote.subject_type, "id": vote.subject_id, "title": title},
        "kind": vote.kind.value,
        "secrecy": vote.secrecy.value,
        "status": vote.status.value,
        "opens_at": (vote.opened_at or vote.opens_at).isoformat()
        if (vote.opened_at or vote.opens_at)
        else None,
        "closes_at": (vote.closed_at or vote.closes_at).isoformat()
        if (vote.closed_at or vote.closes_at)
        else None,
        "accepting_ballots": is_accepting_ballots(vote.status, vote.closes_at, clock.now()),
        "electorate_size": vote.electorate_size,
        "ballots_cast": ballots_cast,
        "rules": {
            "majority": vote.majority.value if vote.majority else None,
            "quorum": str(vote.quorum) if vote.quorum else None,
            "source": vote.rules_source,
        },
        # ``city``: the candidate city's slug, as /elections names candidates.
        "options": [
            {"id": o.id, "label": o.label, "city": o.city.slug if o.city else None}
            for o in vote.options
        ],
    }
    if vote.status is VoteStatus.closed and vote.result is not None:
        body["result"] = vote.result
        if roll_call is not None:
            body["roll_call"] = roll_call  # entries of city and choice
        if ballots is not None:
            body["ballots"] = ballots
    return body


def term_of_office(term: Term) -> dict[str, Any]:
    """Return a term of office: office, city and dates."""
    return {
        "office": term.office.value,
        "city": term.city.slug,
        "starts_on": term.starts_on.isoformat(),
        "ends_on": term.ends_on.isoformat(),
        "election": term.election_id,
    }


def election(election: Election) -> dict[str, Any]:
    """Return an election as ``/api/v1/elections`` gives it, with every round's counts."""
    rounds = []
    for election_round in election.rounds:
        vote = election_round.vote
        labels = {
            str(option.id): option.city.slug if option.city else option.label
            for option in vote.options
        }
        counted = vote.result["rounds"] if vote.result else []
        rounds.append(
            {
                "number": election_round.number,
                "vote": vote.id,
                "status": vote.status.value,
                "candidates": list(labels.values()),
                "counts": [
                    {labels[option]: count for option, count in count["counts"].items()}
                    for count in counted
                ],
                "eliminated": [
                    [labels[option] for option in count["eliminated"]] for count in counted
                ],
                "outcome": vote.result["outcome"] if vote.result else None,
            }
        )
    return {
        "id": election.id,
        "office": election.office.value,
        "term_start": election.term_start.isoformat(),
        "term_end": election.term_end.isoformat(),
        "status": election.status.value,
        "candidates": [city.slug for city in election.candidates],
        "nominations": [
            {"city": n.city.slug, "status": n.status.value} for n in election.nominations
        ],
        "rounds": rounds,
        "ties_settled": election.settlements,
        "winner": election.winner.slug if election.winner else None,
        "certified": election.status is ElectionStatus.certified,
        "url": url_for("elections.show", election_id=election.id, _external=True),
    }


def resolution(resolution: Resolution) -> dict[str, Any]:
    """Return a resolution as an item of ``GET /api/v1/resolutions``."""
    return {
        "number": resolution.number,
        "title": resolution.title,
        "kind": resolution.kind.value,
        "adopted_on": resolution.adopted_on.isoformat(),
        "vote": resolution.vote_id,
        "meeting": resolution.meeting_id,
        "mode": resolution.mode.value.replace("-", "_"),
        "text": resolution.text,
        "url": url_for(
            "resolutions.show", year=resolution.year, sequence=resolution.sequence, _external=True
        ),
    }


def declaration(declaration: Declaration, language: str, signature_count: int) -> dict[str, Any]:
    """Return a declaration with its text in ``language`` (else the authoritative one)."""
    text = declaration.text_in(language)
    return {
        "slug": declaration.slug,
        "title": text.title if text else None,
        "status": declaration.status.value,
        "opened_on": declaration.opened_on.isoformat() if declaration.opened_on else None,
        "signatures_close_on": (
            declaration.signatures_close_on.isoformat() if declaration.signatures_close_on else None
        ),
        "closed_on": declaration.closed_on.isoformat() if declaration.closed_on else None,
        "authoritative_language": declaration.authoritative_language,
        "language": text.language if text else None,
        "languages": sorted(declaration.texts),
        "text": {
            "preamble": text.preamble,
            "commitments": [
                {"number": n, "text": c} for n, c in enumerate(text.commitments, start=1)
            ],
        }
        if text
        else None,
        "signature_count": signature_count,
        "url": url_for("declarations.show", slug=declaration.slug, _external=True),
    }


def signature_row(row: Any) -> dict[str, Any]:
    """Return a signatory as the exports and the API give it.

    ``row`` is a plain row of the signatory columns (``network.declarations.queries``);
    its ``city_name`` is the city's name in the language asked for, else in English.
    """
    return {
        "city": row.city,
        "city_name": row.city_name,
        "signatory_name": row.signatory_name,
        "signatory_title": row.signatory_title,
        "signed_on": row.signed_on.isoformat(),
        "mode": row.mode.value,
        "verification_code": row.verification_code,
        "withdrawn": row.withdrawn_at is not None,
        "withdrawal_reason": row.withdrawal_reason,
    }


def audit_entry(entry: AuditEntry) -> dict[str, Any]:
    """Serialise one link of the chain for verification from outside.

    A public entry comes whole, with every field its hash covers, so anyone can
    recompute it (``audit.rules.entry_hash``). Any other entry (accounts, a secret
    ballot's privacy) gives only its number and the hashes that link it, so the chain
    can still be followed through it without revealing what it records.
    """
    link = {"seq": entry.seq, "public": entry.public, "prev_hash": entry.prev_hash}
    if not entry.public:
        return {**link, "hash": entry.hash}
    return {
        **link,
        "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "data": entry.data,
        "hash": entry.hash,
    }


def _named_city(city: City | None, language: str) -> dict[str, str] | None:
    """Return a city as its slug and its name in ``language`` (else English), or None."""
    if city is None:
        return None
    return {"slug": city.slug, "name": city.local_name(language) or city.name}


def _instant(value: Any) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def motion(motion: Motion, language: str) -> dict[str, Any]:
    """Return a motion with its title and text in ``language`` (else the original).

    The original wording is authoritative; ``language`` says which one is given.
    """
    wording = motion.wording_in(language)
    return {
        "id": motion.id,
        "title": wording.title,
        "text": wording.text,
        "language": wording.language,
        "authoritative_language": motion.language,
        "languages": motion.languages,
        "kind": motion.kind.value,
        "status": motion.status.value,
        "proposer_city": _named_city(motion.proposer_city, language),
        "seconder_city": _named_city(motion.seconder_city, language),
        "subject_city": _named_city(motion.subject_city, language),
        "proposed_at": _instant(motion.proposed_at),
        "seconded_at": _instant(motion.seconded_at),
        "lapses_at": _instant(motion.lapses_at),
        "ended_at": _instant(motion.ended_at),
        "vote": motion.vote_id,
        "resolution": motion.resolution.number if motion.resolution else None,
        "meeting": motion.meeting_id,
        "url": url_for("motions.show", motion_id=motion.id, _external=True),
    }


def meeting_summary(meeting: Meeting) -> dict[str, Any]:
    """Return a meeting as an item of ``GET /api/v1/meetings``."""
    return {
        "id": meeting.id,
        "title": meeting.title,
        "held_on": meeting.held_on.isoformat(),
        "starts_at": _instant(meeting.starts_at),
        "ends_at": _instant(meeting.ends_at),
        "time_zone": meeting.time_zone,
        "place": meeting.place,
        "mode": meeting.mode.value,
        "status": meeting.status.value,
        "url": url_for("meetings.show", meeting_id=meeting.id, _external=True),
    }


def meeting(
    meeting: Meeting, charter_numbers: dict[int, int], adopted: list[Resolution]
) -> dict[str, Any]:
    """Return a meeting with its agenda in order, its decisions and the resolutions adopted.

    ``charter_numbers`` maps the agenda's charter version ids to their numbers.
    """
    return {
        **meeting_summary(meeting),
        "agenda": [
            {
                "position": item.position,
                "kind": item.kind.value,
                "title": item.title,
                "motion": item.motion_id,
                "election": item.election_id,
                "charter_version": charter_numbers.get(item.charter_version_id)
                if item.charter_version_id
                else None,
            }
            for item in meeting.items
        ],
        "decisions": [
            {
                "id": decision.id,
                "title": decision.title,
                "text": decision.text,
                "method": decision.method.value.replace("-", "_"),
                "rule": decision.rule_key,
                "roll_call": [
                    {"city": city, "choice": choice}
                    for city, choice in sorted(decision.roll_call.items())
                ],
                "result": decision.result,
                "resolution": decision.resolution.number if decision.resolution else None,
                "recorded_at": _instant(decision.recorded_at),
            }
            for decision in meeting.decisions
        ],
        "resolutions": [resolution(adopted_one) for adopted_one in adopted],
    }


def practice(practice: Practice, language: str, *, full: bool = False) -> dict[str, Any]:
    """Return a published practice with its text in ``language`` (else the authoritative one).

    ``full`` adds the full text and the languages it exists in (``GET /practices/<slug>``).
    """
    text = practice.text_in(language)
    body: dict[str, Any] = {
        "slug": practice.slug,
        "title": text.title if text else None,
        "summary": text.summary if text else None,
        "language": text.language if text else None,
        "authoritative_language": practice.authoritative_language,
        "city": practice.city.slug,
        "city_name": practice.city.local_name(language) or practice.city.name,
        "region": practice.city.region.value,
        "pillars": [pillar.value for pillar in practice.pillars],
        "instrument": practice.instrument.value,
        "status": practice.status.value if practice.status else None,
        "started_on": practice.started_on.isoformat() if practice.started_on else None,
        "links": list(practice.links or []),
        "featured": practice.featured,
        "published_at": practice.published_at.isoformat() if practice.published_at else None,
        "url": url_for("practices.show", slug=practice.slug, _external=True),
    }
    if full:
        body["body"] = text.body if text else None
        body["languages"] = sorted(practice.texts)
        body["documents"] = [practice_document(one) for one in practice.documents]
    return body


def practice_document(document: Any) -> dict[str, Any]:
    """Return a document of a published practice: what it is, and where to download it."""
    return {
        "id": document.id,
        "title": document.title,
        "language": document.language,
        "media_type": document.media_type.split(";")[0],
        "size": document.size,
        "sha256": document.sha256,
        "url": url_for(
            "practice_documents.download",
            slug=document.practice.slug,
            document_id=document.id,
            _external=True,
        ),
    }


def minutes_summary(minutes: Any) -> dict[str, Any]:
    """Return a meeting's published minutes as its ``/meetings/<id>`` answer names them."""
    return {
        "version": minutes.version,
        "language": minutes.language,
        "approved_on": minutes.approved_on.isoformat(),
        "published_at": _instant(minutes.published_at),
        "correction_reason": minutes.correction_reason,
        "url": url_for("meeting_minutes.show", meeting_id=minutes.meeting_id, _external=True),
        "pdf": url_for("meeting_minutes.pdf", meeting_id=minutes.meeting_id, _external=True),
    }


def minutes_version(minutes: Any) -> dict[str, Any]:
    """Return one published version of the minutes: its text (Markdown) and its record."""
    return {
        **minutes_summary(minutes),
        "url": url_for(
            "meeting_minutes.version",
            meeting_id=minutes.meeting_id,
            version=minutes.version,
            _external=True,
        ),
        "text": minutes.text,
        "record": minutes.record,
        "sha256": minutes.digest(),
    }


def paper(paper: Any) -> dict[str, Any]:
    """Return a public meeting paper: what it is, and where to download it."""
    return {
        "id": paper.id,
        "title": paper.title,
        "language": paper.language,
        "agenda_item": paper.agenda_item.position if paper.agenda_item else None,
        "translation_of": paper.translation_of_id,
        "media_type": paper.media_type.split(";")[0],
        "size": paper.size,
        "sha256": paper.sha256,
        "url": url_for(
            "meeting_papers.download",
            meeting_id=paper.meeting_id,
            paper_id=paper.id,
            _external=True,
        ),
    }


def report(version: ReportVersion, language: str) -> dict[str, Any]:
    """Return a city's submitted report (its current version) with each commitment's status."""
    found = version.report
    return {
        "declaration": found.period.declaration.slug,
        "period": found.period.label,
        "due_on": found.period.due_on.isoformat(),
        "city": found.city.slug,
        "city_name": found.city.local_name(language) or found.city.name,
        "version": version.number,
        "submitted_at": version.submitted_at.isoformat() if version.submitted_at else None,
        "reason": version.reason,
        "url": url_for(
            "commitments.city_report",
            slug=found.period.declaration.slug,
            city=found.city.slug,
            period=found.period.label,
            _external=True,
        ),
        "commitments": [
            {
                "number": entry.commitment,
                "status": entry.status.value if entry.status else None,
                "account": entry.account,
                "links": list(entry.links or []),
                "practices": [row.practice.slug for row in entry.evidence],
            }
            for entry in version.entries
        ],
    }


def indicator(indicator: Indicator, language: str, *, full: bool = False) -> dict[str, Any]:
    """Return an indicator's definition, named and defined in ``language`` (else English).

    ``full`` adds every language's name and definition (``GET /indicators/<code>``).
    """
    text = indicator.text_in(language)
    body: dict[str, Any] = {
        "code": indicator.code,
        "name": text.name if text else indicator.code,
        "definition": text.definition if text else "",
        "language": text.language if text else "en",
        "pillar": indicator.pillar.value,
        "unit": indicator.unit.value,
        "currency": indicator.currency,
        "direction": indicator.direction.value,
        "min_value": indicator.min_value,
        "max_value": indicator.max_value,
        "url": url_for("indicators.show", code=indicator.code, _external=True),
        "values_url": url_for("api.indicator_values", code=indicator.code, _external=True),
    }
    if full:
        body["texts"] = {
            code: {"name": found.name, "definition": found.definition}
            for code, found in sorted(indicator.texts.items())
        }
    return body


def indicator_value(version: ValueVersion, language: str) -> dict[str, Any]:
    """Return a city's published value of an indicator (the current version)."""
    value = version.value
    return {
        "indicator": value.indicator.code,
        "city": value.city.slug,
        "city_name": value.city.local_name(language) or value.city.name,
        "year": value.year,
        "value": version.amount,
        "unit": value.indicator.unit.value,
        "currency": value.indicator.currency,
        "source": version.source,
        "source_url": version.source_url,
        "version": version.number,
        "reason": version.reason,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "collection": version.collection.year,
        "url": url_for("indicators.city", city=value.city.slug, _external=True),
    }
