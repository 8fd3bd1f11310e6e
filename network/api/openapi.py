"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

Built from data here rather than kept as a file so the enumerations (regions,
statuses, kinds…) come from the models themselves and cannot drift from them. The
test suite validates the document and every answer of every route against it.
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any

from network.charter.models import VersionStatus
from network.cities.models import MembershipStatus, Region
from network.cities.rules import SLUG_MAX_LENGTH
from network.commitments.models import CommitmentStatus
from network.common.pagination import API_DEFAULT_PER_PAGE, API_MAX_PER_PAGE, MAX_PAGE
from network.declarations.models import DeclarationStatus, SignatureMode
from network.elections.models import ElectionStatus, NominationStatus, Office
from network.indicators.models import Direction, Unit
from network.meetings.models import AgendaKind, MeetingMode, MeetingStatus
from network.motions.models import MotionKind, MotionStatus
from network.practices.models import Instrument, Pillar, PracticeStatus
from network.resolutions.models import ResolutionKind
from network.votes.models import Secrecy, VoteKind, VoteStatus
from network.votes.tally import MajorityRule, Outcome

PREFIX = "/api/v1"
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
# A city's slug as a filter: the API refuses one longer than a city's can be.
CITY_SLUG = {**SLUG, "maxLength": SLUG_MAX_LENGTH}
LANGUAGE_MAP = {"type": "object", "additionalProperties": STRING}
HASH = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
# A language, with a script or region if any (the rule of network.cities.rules).
LANGUAGE_TAG = "^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """Allow ``null`` besides the schema's own type."""
    if "$ref" in schema or "enum" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def enum_of(enum_class: type[Enum], **extra: Any) -> dict[str, Any]:
    """Return a string schema listing an enumeration's values."""
    return {"type": "string", "enum": [member.value for member in enum_class], **extra}


def ref(name: str) -> dict[str, str]:
    """Point at a schema of the components."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], *, required: list[str] | None = None) -> dict[str, Any]:
    """Return an object schema; every property is required unless ``required`` lists some."""
    return {
        "type": "object",
        "required": list(properties) if required is None else required,
        "properties": properties,
    }


def page_of(name: str) -> dict[str, Any]:
    """Return the contract's list envelope around items of a component schema."""
    return obj(
        {
            "items": {"type": "array", "items": ref(name)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": API_MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
        }
    )


CITY_SUMMARY = {
    "slug": SLUG,
    "name": {**STRING, "description": "the city's name in English"},
    "local_name": {
        **STRING,
        "description": "the city's name in ?lang= (else the interface's language) when it "
        "has one, else in English",
    },
    "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
    "region": enum_of(Region),
    "status": enum_of(MembershipStatus),
    "joined_on": nullable(DATE),
    "url": URL,
}

SCHEMAS: dict[str, Any] = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": {
                        "type": "string",
                        "examples": ["bad_request", "not_found", "too_many_requests"],
                    },
                    "message": STRING,
                }
            )
        }
    ),
    "CitySummary": obj(CITY_SUMMARY),
    "Term": obj(
        {
            "office": enum_of(Office),
            "city": SLUG,
            "starts_on": DATE,
            "ends_on": DATE,
            "election": nullable(INTEGER),
        }
    ),
    "City": obj(
        CITY_SUMMARY
        | {
            "names": {**LANGUAGE_MAP, "description": "language → the city's name"},
            "website": nullable(STRING),
            "profile": {**LANGUAGE_MAP, "description": "language → a short profile"},
            "delegates": {"type": "array", "items": STRING},
            "declarations_signed": {"type": "array", "items": SLUG},
            "chair_terms": {"type": "array", "items": ref("Term")},
            "status_history": {
                "type": "array",
                "items": obj(
                    {
                        "from": nullable(enum_of(MembershipStatus)),
                        "to": enum_of(MembershipStatus),
                        "effective_on": DATE,
                        "reason": STRING,
                    }
                ),
            },
        }
    ),
    "Rules": obj(
        {
            "quorum": {"type": "string", "description": "a fraction of the electorate, e.g. 1/2"},
            "ordinary": enum_of(MajorityRule),
            "amendment": enum_of(MajorityRule),
            "admission": enum_of(MajorityRule),
            "suspension": enum_of(MajorityRule),
            "chair_election": enum_of(MajorityRule),
            "chair_term_years": {"type": "integer", "minimum": 1},
            "ties": STRING,
            "proxies_allowed": {"type": "boolean"},
            "proxies_per_city": {"type": "integer", "minimum": 1},
        },
        required=["quorum", "ordinary", "amendment", "chair_election", "chair_term_years"],
    ),
    "CharterVersionSummary": obj(
        {
            "version": {"type": "integer", "minimum": 1},
            "status": enum_of(VersionStatus),
            "adopted_on": nullable(DATE),
            "resolution": nullable({"type": "string", "pattern": r"^DWCN/RES/\d{4}/\d+$"}),
            "authoritative_language": STRING,
            "url": URL,
        },
        required=["version", "status", "adopted_on", "resolution"],
    ),
    "CharterVersion": {
        "allOf": [
            ref("CharterVersionSummary"),
            obj(
                {
                    "rules": ref("Rules"),
                    "articles": {
                        "type": "array",
                        "items": obj(
                            {
                                "number": {"type": "integer", "minimum": 1},
                                "title": STRING,
                                "text": STRING,
                                "language": STRING,
                                "authoritative_language": STRING,
                            }
                        ),
                    },
                }
            ),
        ]
    },
    "Quorum": obj(
        {
            "electorate": INTEGER,
            "cast": INTEGER,
            "fraction": STRING,
            "required": INTEGER,
            "met": BOOLEAN,
        }
    ),
    "Result": obj(
        {
            "quorum_met": BOOLEAN,
            "quorum": ref("Quorum"),
            "counts": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
                "description": "yes/no/abstain, or candidate option id → votes (first count)",
            },
            "majority": obj({"rule": enum_of(MajorityRule), "needed": nullable(INTEGER)}),
            "outcome": enum_of(Outcome),
            "blank": INTEGER,
            "rounds": {
                "type": "array",
                "items": obj(
                    {
                        "counts": {"type": "object", "additionalProperties": INTEGER},
                        "valid": INTEGER,
                        "eliminated": {"type": "array", "items": STRING},
                    }
                ),
            },
            "winner": nullable(STRING),
            "tied": {"type": "array", "items": STRING},
            "runoff": {"type": "array", "items": STRING},
            "tie": BOOLEAN,
        },
        required=["quorum_met", "counts", "majority", "outcome"],
    ),
    "Choice": {
        "description": "yes/no/abstain, a candidate, a ranking of candidates, or null (blank)",
        "oneOf": [STRING, {"type": "array", "items": STRING}, {"type": "null"}],
    },
    "Vote": obj(
        {
            "id": INTEGER,
            "subject": obj({"type": STRING, "id": INTEGER, "title": STRING}),
            "kind": enum_of(VoteKind),
            "secrecy": enum_of(Secrecy),
            "status": enum_of(VoteStatus),
            "opens_at": nullable(DATE_TIME),
            "closes_at": nullable(DATE_TIME),
            "accepting_ballots": BOOLEAN,
            "electorate_size": nullable(INTEGER),
            "ballots_cast": {"type": "integer", "minimum": 0},
            "rules": obj(
                {
                    "majority": nullable(enum_of(MajorityRule)),
                    "quorum": nullable(STRING),
                    "source": nullable(STRING),
                }
            ),
            "options": {
                "type": "array",
                "items": obj(
                    {
                        "id": INTEGER,
                        "label": STRING,
                        "city": {
                            **nullable(SLUG),
                            "description": "the candidate city's slug, as /elections names it",
                        },
                    }
                ),
            },
            "result": {**ref("Result"), "description": "once the vote is closed"},
            "roll_call": {
                "type": "array",
                "description": "recorded votes, once closed",
                "items": obj({"city": SLUG, "choice": ref("Choice")}),
            },
            "ballots": {
                "type": "array",
                "description": "secret votes, once closed: no city, a receipt each",
                "items": obj({"receipt": STRING, "choice": ref("Choice")}),
            },
        },
        required=[
            "id",
            "subject",
            "kind",
            "secrecy",
            "status",
            "opens_at",
            "closes_at",
            "electorate_size",
            "ballots_cast",
        ],
    ),
    "Election": obj(
        {
            "id": INTEGER,
            "office": enum_of(Office),
            "term_start": DATE,
            "term_end": DATE,
            "status": enum_of(ElectionStatus),
            "candidates": {"type": "array", "items": SLUG},
            "nominations": {
                "type": "array",
                "items": obj({"city": SLUG, "status": enum_of(NominationStatus)}),
            },
            "rounds": {
                "type": "array",
                "items": obj(
                    {
                        "number": {"type": "integer", "minimum": 1},
                        "vote": INTEGER,
                        "status": enum_of(VoteStatus),
                        "candidates": {"type": "array", "items": STRING},
                        "counts": {
                            "type": "array",
                            "description": "one object per count: candidate → votes",
                            "items": {"type": "object", "additionalProperties": INTEGER},
                        },
                        "eliminated": {
                            "type": "array",
                            "items": {"type": "array", "items": STRING},
                        },
                        "outcome": nullable(enum_of(Outcome)),
                    }
                ),
            },
            "ties_settled": {"type": "array", "items": {"type": "object"}},
            "winner": nullable(SLUG),
            "certified": BOOLEAN,
            "url": URL,
        },
        required=[
            "id",
            "office",
            "term_start",
            "term_end",
            "status",
            "candidates",
            "rounds",
            "winner",
        ],
    ),
    "Resolution": obj(
        {
            "number": {"type": "string", "pattern": r"^DWCN/RES/\d{4}/\d+$"},
            "title": STRING,
            "kind": enum_of(ResolutionKind),
            "adopted_on": DATE,
            "vote": nullable(INTEGER),
            "meeting": nullable(INTEGER),
            "mode": {"type": "string", "enum": ["online", "in_session"]},
            "text": nullable(STRING),
            "url": URL,
        },
        required=["number", "title", "adopted_on", "vote", "meeting", "mode"],
    ),
    "Declaration": obj(
        {
            "slug": SLUG,
            "title": nullable(STRING),
            "status": {
                "type": "string",
                "enum": [DeclarationStatus.open.value, DeclarationStatus.closed.value],
            },
            "opened_on": nullable(DATE),
            "signatures_close_on": {
                **nullable(DATE),
                "description": "the last day for signatures announced, if any",
            },
            "closed_on": nullable(DATE),
            "authoritative_language": STRING,
            "language": nullable(STRING),
            "languages": {"type": "array", "items": STRING},
            "text": nullable(
                obj(
                    {
                        "preamble": STRING,
                        "commitments": {
                            "type": "array",
                            "items": obj(
                                {"number": {"type": "integer", "minimum": 1}, "text": STRING}
                            ),
                        },
                    }
                )
            ),
            "signature_count": {"type": "integer", "minimum": 0},
            "url": URL,
        },
        required=[
            "slug",
            "title",
            "status",
            "opened_on",
            "closed_on",
            "authoritative_language",
            "text",
            "signature_count",
        ],
    ),
    "Signature": obj(
        {
            "city": SLUG,
            "city_name": {
                **STRING,
                "description": "the city's name in ?lang= (else the interface's language) "
                "when it has one, else in English",
            },
            "signatory_name": STRING,
            "signatory_title": STRING,
            "signed_on": DATE,
            "mode": enum_of(SignatureMode),
            "verification_code": STRING,
            "withdrawn": BOOLEAN,
            "withdrawal_reason": nullable(STRING),
        }
    ),
    "NamedCity": obj({"slug": SLUG, "name": STRING}),
    "Report": obj(
        {
            "declaration": SLUG,
            "period": {**STRING, "description": "the reporting period's name, e.g. 2026"},
            "due_on": {**DATE, "description": "the period's deadline"},
            "city": SLUG,
            "city_name": {
                **STRING,
                "description": "the city's name in ?lang= when it has one, else in English",
            },
            "version": {
                **INTEGER,
                "minimum": 1,
                "description": "the latest submitted version (a correction is a new one)",
            },
            "submitted_at": DATE_TIME,
            "reason": {
                **nullable(STRING),
                "description": "why the report was corrected (null for the first version)",
            },
            "url": URL,
            "commitments": {
                "type": "array",
                "items": obj(
                    {
                        "number": {**INTEGER, "minimum": 1},
                        "status": enum_of(CommitmentStatus),
                        "account": STRING,
                        "links": {"type": "array", "items": URL},
                        "practices": {
                            "type": "array",
                            "items": SLUG,
                            "description": "the city's practices given as evidence",
                        },
                    }
                ),
            },
        }
    ),
    "Motion": obj(
        {
            "id": INTEGER,
            "title": STRING,
            "text": {**STRING, "description": "Markdown"},
            "language": {
                **STRING,
                "description": "the language of title and text: ?lang= when the motion has "
                "a translation into it, else the original's",
            },
            "authoritative_language": {
                **STRING,
                "description": "the language it was proposed in; that wording is authoritative",
            },
            "languages": {"type": "array", "items": STRING},
            "kind": enum_of(MotionKind),
            "status": enum_of(MotionStatus),
            "proposer_city": nullable(ref("NamedCity")),
            "seconder_city": nullable(ref("NamedCity")),
            "subject_city": {
                **nullable(ref("NamedCity")),
                "description": "the city an admission or a suspension is about",
            },
            "proposed_at": DATE_TIME,
            "seconded_at": nullable(DATE_TIME),
            "lapses_at": DATE_TIME,
            "ended_at": nullable(DATE_TIME),
            "vote": nullable(INTEGER),
            "resolution": nullable({"type": "string", "pattern": r"^DWCN/RES/\d{4}/\d+$"}),
            "meeting": {**nullable(INTEGER), "description": "the meeting that decided it"},
            "url": URL,
        }
    ),
    "MeetingSummary": obj(
        {
            "id": INTEGER,
            "title": STRING,
            "held_on": {**DATE, "description": "the day it starts, in its own time zone"},
            "starts_at": {**DATE_TIME, "description": "the start (UTC)"},
            "ends_at": {**DATE_TIME, "description": "the end (UTC)"},
            "time_zone": {
                **STRING,
                "description": "the IANA time zone it is held in, e.g. Asia/Seoul",
            },
            "place": {**STRING, "description": "the venue; empty for a meeting held only online"},
            "mode": {
                **enum_of(MeetingMode),
                "description": "in person, online, or both (hybrid); the link to follow "
                "online is given to the network's people only, never published",
            },
            "status": enum_of(MeetingStatus),
            "url": URL,
        }
    ),
    "Meeting": {
        "allOf": [
            ref("MeetingSummary"),
            obj(
                {
                    "agenda": {
                        "type": "array",
                        "description": "in order; what each item is about, where recorded",
                        "items": obj(
                            {
                                "position": INTEGER,
                                "kind": enum_of(AgendaKind),
                                "title": STRING,
                                "motion": nullable(INTEGER),
                                "election": nullable(INTEGER),
                                "charter_version": nullable(INTEGER),
                            }
                        ),
                    },
                    "decisions": {
                        "type": "array",
                        "description": "decisions taken in the room, as recorded",
                        "items": obj(
                            {
                                "id": INTEGER,
                                "title": STRING,
                                "text": STRING,
                                "method": {"type": "string", "enum": ["roll_call", "consensus"]},
                                "rule": STRING,
                                "roll_call": {
                                    "type": "array",
                                    "items": obj(
                                        {
                                            "city": SLUG,
                                            "choice": {
                                                "type": "string",
                                                "enum": ["yes", "no", "abstain"],
                                            },
                                        }
                                    ),
                                },
                                "result": obj({"outcome": enum_of(Outcome)}, required=["outcome"]),
                                "resolution": nullable(
                                    {"type": "string", "pattern": r"^DWCN/RES/\d{4}/\d+$"}
                                ),
                                "recorded_at": DATE_TIME,
                            }
                        ),
                    },
                    "resolutions": {"type": "array", "items": ref("Resolution")},
                    "minutes": {
                        **nullable(ref("MinutesSummary")),
                        "description": "the latest published minutes; null until published",
                    },
                    "papers": {
                        "type": "array",
                        "description": "the meeting's public papers, in the order added",
                        "items": ref("Paper"),
                    },
                }
            ),
        ]
    },
    "MinutesSummary": obj(
        {
            "version": {"type": "integer", "minimum": 1},
            "language": {**STRING, "description": "the authoritative language (BCP 47)"},
            "approved_on": {**DATE, "description": "the day the council approved them"},
            "published_at": DATE_TIME,
            "correction_reason": {
                **nullable(STRING),
                "description": "why this version corrects the one before it",
            },
            "url": URL,
            "pdf": URL,
        }
    ),
    "Minutes": {
        "allOf": [
            ref("MinutesSummary"),
            obj(
                {
                    "text": {**STRING, "description": "the minutes' text, in Markdown"},
                    "record": {
                        "type": "object",
                        "description": "the facts the minutes rest on, frozen at approval: "
                        "meeting, agenda (with each item's vote), decisions, resolutions, "
                        "and attendance where recorded",
                    },
                    "sha256": HASH,
                }
            ),
        ]
    },
    "Paper": obj(
        {
            "id": INTEGER,
            "title": STRING,
            "language": {**STRING, "description": "BCP 47 tag of the paper's language"},
            "agenda_item": {
                **nullable(INTEGER),
                "description": "the position of the item it belongs to; null: the whole meeting",
            },
            "translation_of": {**nullable(INTEGER), "description": "the paper it translates"},
            "media_type": STRING,
            "size": {"type": "integer", "minimum": 1},
            "sha256": HASH,
            "url": URL,
        }
    ),
    "AuditEntry": {
        "oneOf": [
            obj(
                {
                    "seq": {"type": "integer", "minimum": 1},
                    "public": {"const": True},
                    "prev_hash": HASH,
                    "created_at": DATE_TIME,
                    "actor_id": nullable(INTEGER),
                    "action": STRING,
                    "subject_type": STRING,
                    "subject_id": STRING,
                    "data": {"type": "object"},
                    "hash": HASH,
                }
            ),
            obj(
                {
                    "seq": {"type": "integer", "minimum": 1},
                    "public": {"const": False},
                    "prev_hash": HASH,
                    "hash": HASH,
                }
            ),
        ]
    },
    "AuditHead": obj(
        {
            "seq": {"type": "integer", "minimum": 0},
            "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        }
    ),
    "Verification": {
        "oneOf": [
            obj(
                {
                    "code": STRING,
                    "type": {"const": "ballot"},
                    "vote": INTEGER,
                    "vote_title": STRING,
                    "vote_status": enum_of(VoteStatus),
                    "kind": enum_of(VoteKind),
                    "choice": {**ref("Choice"), "description": "null until the vote is closed"},
                }
            ),
            obj(
                {
                    "code": STRING,
                    "type": {"const": "signature"},
                    "declaration": SLUG,
                    "declaration_title": STRING,
                    "city": SLUG,
                    "city_name": STRING,
                    "signatory_name": STRING,
                    "signatory_title": STRING,
                    "signed_on": DATE,
                    "mode": enum_of(SignatureMode),
                    "withdrawn": BOOLEAN,
                    "withdrawal_reason": nullable(STRING),
                }
            ),
        ]
    },
    "Practice": obj(
        {
            "slug": SLUG,
            "title": nullable(STRING),
            "summary": nullable(STRING),
            "language": {
                **nullable(STRING),
                "description": "the language of title and summary: ?lang= where the practice "
                "has a text in it, else the authoritative language",
            },
            "authoritative_language": STRING,
            "city": SLUG,
            "city_name": {**STRING, "description": "the city's name in ?lang=, else in English"},
            "region": enum_of(Region),
            "pillars": {"type": "array", "items": enum_of(Pillar), "minItems": 1},
            "instrument": enum_of(Instrument),
            "status": {
                **nullable(enum_of(PracticeStatus)),
                "description": "where the practice stands in its city (null: not stated)",
            },
            "started_on": nullable(DATE),
            "links": {"type": "array", "items": URL},
            "featured": {**BOOLEAN, "description": "featured by the secretariat"},
            "published_at": DATE_TIME,
            "url": URL,
            "body": {**nullable(STRING), "description": "the full text (one practice only)"},
            "languages": {
                "type": "array",
                "items": STRING,
                "description": "the languages it is written in (one practice only)",
            },
            "documents": {
                "type": "array",
                "items": ref("PracticeDocument"),
                "description": "its documents, in the order added (one practice only)",
            },
        },
        required=[
            "slug",
            "title",
            "summary",
            "language",
            "authoritative_language",
            "city",
            "city_name",
            "region",
            "pillars",
            "instrument",
            "status",
            "started_on",
            "links",
            "featured",
            "published_at",
            "url",
        ],
    ),
    "PracticeDocument": obj(
        {
            "id": INTEGER,
            "title": STRING,
            "language": {**STRING, "description": "BCP 47 tag of the document's language"},
            "media_type": STRING,
            "size": {"type": "integer", "minimum": 1},
            "sha256": HASH,
            "url": URL,
        }
    ),
    "Indicator": obj(
        {
            "code": SLUG,
            "name": STRING,
            "definition": STRING,
            "language": {
                **STRING,
                "description": "the language of name and definition: ?lang= where the "
                "indicator has a text in it, else English",
            },
            "pillar": enum_of(Pillar),
            "unit": enum_of(Unit),
            "currency": {
                **nullable({"type": "string", "pattern": "^[A-Z]{3}$"}),
                "description": "ISO 4217 code of an amount per hour (null for other units)",
            },
            "direction": {**enum_of(Direction), "description": "which values are better"},
            "min_value": {**nullable({"type": "number"}), "description": "lowest valid value"},
            "max_value": {**nullable({"type": "number"}), "description": "highest valid value"},
            "url": URL,
            "values_url": URL,
            "texts": {
                "type": "object",
                "additionalProperties": obj({"name": STRING, "definition": STRING}),
                "description": "name and definition in every language (one indicator only)",
            },
        },
        required=[
            "code",
            "name",
            "definition",
            "language",
            "pillar",
            "unit",
            "currency",
            "direction",
            "min_value",
            "max_value",
            "url",
            "values_url",
        ],
    ),
    "IndicatorValue": obj(
        {
            "indicator": SLUG,
            "city": SLUG,
            "city_name": {**STRING, "description": "the city's name in ?lang=, else in English"},
            "year": {**INTEGER, "description": "the year the value refers to"},
            "value": {"type": "number"},
            "unit": enum_of(Unit),
            "currency": nullable({"type": "string", "pattern": "^[A-Z]{3}$"}),
            "source": STRING,
            "source_url": nullable(URL),
            "version": {
                **INTEGER,
                "minimum": 1,
                "description": "the latest published version (a revision is a new one)",
            },
            "reason": {
                **nullable(STRING),
                "description": "why the value was revised (null for the first version)",
            },
            "published_at": DATE_TIME,
            "collection": {
                **INTEGER,
                "description": "the year of the collection it was entered in",
            },
            "url": URL,
        }
    ),
    "Index": obj(
        {
            "endpoints": {
                "type": "array",
                "items": obj({"path": STRING, "summary": STRING}),
            },
            "openapi": URL,
            "documentation": URL,
            "license": URL,
        }
    ),
    "OpenAPI": obj({"openapi": STRING, "info": {"type": "object"}, "paths": {"type": "object"}}),
}

PARAMETERS: dict[str, Any] = {
    "page": {
        "name": "page",
        "in": "query",
        "description": "the page of the list, from 1",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    "per_page": {
        "name": "per_page",
        "in": "query",
        "description": f"items per page, at most {API_MAX_PER_PAGE}",
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": API_MAX_PER_PAGE,
            "default": API_DEFAULT_PER_PAGE,
        },
    },
    "lang": {
        "name": "lang",
        "in": "query",
        "description": "language of the texts and of the cities' names (else the "
        "interface's); a text falls back to the authoritative one, and says which language "
        "it gives; a city without a name in it is named in English",
        "schema": {
            "type": "string",
            "pattern": LANGUAGE_TAG,
            "examples": ["en", "ko", "en-US", "zh-Hant"],
            "description": "a BCP 47 language tag; a region (en-US) is read as its language (en)",
        },
    },
    "If-None-Match": {
        "name": "If-None-Match",
        "in": "header",
        "description": "an ETag from an earlier answer: 304 with no body if nothing changed",
        "schema": STRING,
    },
}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema}


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def _operation(
    operation_id: str,
    summary: str,
    schema: dict[str, Any],
    *,
    parameters: list[dict[str, Any]] = (),  # type: ignore[assignment]
    not_found: str | None = None,
    bad_request: bool = False,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "OK",
            "headers": {"ETag": {"description": "the answer's validator", "schema": STRING}},
            "content": {"application/json": {"schema": schema}},
        },
        "304": {"description": "not modified since the ETag sent in If-None-Match"},
        "429": _error("too many requests from this address (API_RATE_LIMIT)"),
    }
    if bad_request:
        responses["400"] = _error("a query parameter has a value outside what the route accepts")
    if not_found:
        responses["404"] = _error(not_found)
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [*parameters, _param("If-None-Match")],
            "responses": dict(sorted(responses.items())),
        }
    }


LIST = [_param("page"), _param("per_page")]


def _paths() -> dict[str, Any]:
    return {
        f"{PREFIX}/": _operation(
            "getIndex",
            "The routes of this API, its description (OpenAPI) and its data licence",
            ref("Index"),
        ),
        f"{PREFIX}/cities": _operation(
            "listCities",
            "Member cities, by English name, filtered and searched",
            page_of("CitySummary"),
            parameters=[
                _query("region", enum_of(Region), "ILO region"),
                _query(
                    "country",
                    {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                    "ISO 3166-1 alpha-2 code",
                ),
                _query("status", enum_of(MembershipStatus), "membership status"),
                _query("q", STRING, "part of the city's name in any language"),
                _param("lang"),
                *LIST,
            ],
            bad_request=True,
        ),
        f"{PREFIX}/cities/{{slug}}": _operation(
            "getCity",
            "One city with names, profile, delegates, declarations signed and chair terms",
            ref("City"),
            parameters=[_path("slug", STRING), _param("lang")],
            not_found="no city has this slug",
            bad_request=True,
        ),
        f"{PREFIX}/charter": _operation(
            "getCharter",
            "The charter in force, its rules and its articles in ?lang=",
            ref("CharterVersion"),
            parameters=[_param("lang")],
            not_found="no charter is in force yet (the founding rules apply)",
            bad_request=True,
        ),
        f"{PREFIX}/charter/versions": _operation(
            "listCharterVersions",
            "Versions of the charter put to the vote, newest first (drafts are not public)",
            page_of("CharterVersionSummary"),
            parameters=LIST,
            bad_request=True,
        ),
        f"{PREFIX}/votes/{{vote_id}}": _operation(
            "getVote",
            "A vote: participation while open; result and roll call or receipts once closed",
            ref("Vote"),
            parameters=[_path("vote_id", INTEGER)],
            not_found="no vote has this number",
        ),
        f"{PREFIX}/verify/{{code}}": _operation(
            "verifyCode",
            "What a ballot receipt or a signature's verification code belongs to",
            ref("Verification"),
            parameters=[_path("code", STRING)],
            not_found="no ballot or signature has this code",
        ),
        f"{PREFIX}/elections": _operation(
            "listElections",
            "Elections, newest term first, with rounds, counts and winners",
            page_of("Election"),
            parameters=LIST,
            bad_request=True,
        ),
        f"{PREFIX}/elections/{{election_id}}": _operation(
            "getElection",
            "One election with its nominations, rounds and counts",
            ref("Election"),
            parameters=[_path("election_id", INTEGER)],
            not_found="no election has this number",
        ),
        f"{PREFIX}/resolutions": _operation(
            "listResolutions",
            "The register of resolutions, newest first",
            page_of("Resolution"),
            parameters=[
                _query("year", {"type": "string", "pattern": r"^\d{4}$"}, "year of adoption"),
                _query("kind", enum_of(ResolutionKind), "kind of decision"),
                _query("q", STRING, "words of the title"),
                *LIST,
            ],
            bad_request=True,
        ),
        f"{PREFIX}/declarations": _operation(
            "listDeclarations",
            "Joint declarations (not drafts) with their text in ?lang= and signature counts",
            page_of("Declaration"),
            parameters=[_param("lang"), *LIST],
            bad_request=True,
        ),
        f"{PREFIX}/declarations/{{slug}}": _operation(
            "getDeclaration",
            "One declaration with its text in ?lang=",
            ref("Declaration"),
            parameters=[_path("slug", STRING), _param("lang")],
            not_found="no declaration has this address",
            bad_request=True,
        ),
        f"{PREFIX}/declarations/{{slug}}/signatures": _operation(
            "listSignatures",
            "A declaration's signatures by date, withdrawn ones marked, cities named in ?lang=",
            page_of("Signature"),
            parameters=[_path("slug", STRING), _param("lang"), *LIST],
            not_found="no declaration has this address",
            bad_request=True,
        ),
        f"{PREFIX}/motions": _operation(
            "listMotions",
            "Motions put to the council, newest first, in ?lang= where translated",
            page_of("Motion"),
            parameters=[
                _query("status", enum_of(MotionStatus), "where the motion is"),
                _query("kind", enum_of(MotionKind), "what it asks the council to decide"),
                _param("lang"),
                *LIST,
            ],
            bad_request=True,
        ),
        f"{PREFIX}/motions/{{motion_id}}": _operation(
            "getMotion",
            "One motion: its wording in ?lang= (else the original), cities, vote, resolution",
            ref("Motion"),
            parameters=[_path("motion_id", INTEGER), _param("lang")],
            not_found="no motion has this number",
            bad_request=True,
        ),
        f"{PREFIX}/meetings": _operation(
            "listMeetings",
            "Meetings of the council, latest first",
            page_of("MeetingSummary"),
            parameters=LIST,
            bad_request=True,
        ),
        f"{PREFIX}/meetings/{{meeting_id}}": _operation(
            "getMeeting",
            "One meeting: its agenda in order, decisions taken in the room with their roll "
            "calls, the resolutions it adopted, its public papers and its published minutes",
            ref("Meeting"),
            parameters=[_path("meeting_id", INTEGER)],
            not_found="no meeting has this number",
        ),
        f"{PREFIX}/meetings/{{meeting_id}}/minutes": _operation(
            "listMinutes",
            "The published versions of a meeting's minutes, latest first: text, record of "
            "the facts, approval and the reason for each correction",
            page_of("Minutes"),
            parameters=[_path("meeting_id", INTEGER), *LIST],
            not_found="no meeting has this number",
            bad_request=True,
        ),
        # The declaration page's JSON download: the same list as the API's, paged alike.
        f"{PREFIX}/declarations/{{slug}}/reports": _operation(
            "listReports",
            "The signatory cities' submitted reports on a declaration's commitments (the "
            "latest version of each), by period then city, optionally of one ?period=",
            page_of("Report"),
            parameters=[
                _path("slug", STRING),
                _query("period", STRING, "a reporting period's name, e.g. 2026"),
                _param("lang"),
                *LIST,
            ],
            not_found="no declaration has this address, or it has no period of this name",
            bad_request=True,
        ),
        "/declarations/{slug}/signatures.json": _operation(
            "listSignaturesJSON",
            "A declaration's signatures as linked from its page: the same list as "
            f"{PREFIX}/declarations/{{slug}}/signatures (the CSV export gives all in one file)",
            page_of("Signature"),
            parameters=[_path("slug", STRING), _param("lang"), *LIST],
            not_found="no declaration has this address",
            bad_request=True,
        ),
        f"{PREFIX}/practices": _operation(
            "listPractices",
            "Published practices of member cities, featured first then newest, searched in "
            "every language and filtered, with their title and summary in ?lang=",
            page_of("Practice"),
            parameters=[
                _query("q", STRING, "words, in any language: each begins a word of the practice"),
                _query("pillar", enum_of(Pillar), "ILO pillar of decent work it serves"),
                _query("instrument", enum_of(Instrument), "kind of instrument"),
                _query("region", enum_of(Region), "ILO region of its city"),
                _query("city", CITY_SLUG, "its city's slug"),
                _param("lang"),
                *LIST,
            ],
            bad_request=True,
        ),
        f"{PREFIX}/practices/{{slug}}": _operation(
            "getPractice",
            "One published practice with its full text in ?lang= (else the authoritative one)",
            ref("Practice"),
            parameters=[_path("slug", STRING), _param("lang")],
            not_found="no published practice has this address",
            bad_request=True,
        ),
        f"{PREFIX}/indicators": _operation(
            "listIndicators",
            "The decent-work indicators the secretariat defined, by code, named and defined "
            "in ?lang= (else English)",
            page_of("Indicator"),
            parameters=[_param("lang"), *LIST],
            bad_request=True,
        ),
        f"{PREFIX}/indicators/{{code}}": _operation(
            "getIndicator",
            "One indicator's definition in ?lang= (else English) and in every language",
            ref("Indicator"),
            parameters=[_path("code", STRING), _param("lang")],
            not_found="no indicator has this code",
            bad_request=True,
        ),
        f"{PREFIX}/indicators/{{code}}/values": _operation(
            "listIndicatorValues",
            "The cities' published values of an indicator (the latest version of each), by "
            "year then city; drafts are never included",
            page_of("IndicatorValue"),
            parameters=[
                _path("code", STRING),
                _query("city", CITY_SLUG, "a city's slug"),
                _query("year", {"type": "string", "pattern": r"^\d{4}$"}, "the year referred to"),
                _param("lang"),
                *LIST,
            ],
            not_found="no indicator has this code",
            bad_request=True,
        ),
        f"{PREFIX}/audit/head": _operation(
            "getAuditHead",
            "Number and hash of the newest entry of the hash-chained audit log",
            ref("AuditHead"),
        ),
        f"{PREFIX}/audit/entries": _operation(
            "listAuditEntries",
            "The whole audit chain, oldest first: public entries with every field their hash "
            "covers, the others by their hashes only (tools/verify_public_record.py checks it)",
            page_of("AuditEntry"),
            parameters=LIST,
            bad_request=True,
        ),
        f"{PREFIX}/openapi.json": _operation(
            "getOpenAPI", "This description of the API (OpenAPI 3.1)", ref("OpenAPI")
        ),
    }


@cache
def document(version: str) -> dict[str, Any]:
    """Return the OpenAPI document of the API (``version``: the application's)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Decent Work City Network open data",
            "version": version,
            "summary": "Read-only JSON API of the network's public record",
            "description": (
                "Every list is {items, page, per_page, total}; every error is "
                '{"error": {"code", "message"}} with its HTTP status; dates are ISO 8601. '
                "Answers carry an ETag and a Last-Modified: send them back in "
                "If-None-Match or If-Modified-Since for a 304. Any site may read the API "
                "from a browser (CORS, no credentials). The data is published under the "
                "Creative Commons Attribution 4.0 licence (CC BY 4.0; each answer links to "
                'it with Link: rel="license"); the software that serves it is under the '
                "GNU AGPL 3.0 or later."
            ),
            "license": {
                "name": "Creative Commons Attribution 4.0 International (data)",
                "identifier": "CC-BY-4.0",
            },
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {"schemas": SCHEMAS, "parameters": PARAMETERS},
    }
