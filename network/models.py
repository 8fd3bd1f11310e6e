"""Every model, imported in one place for Alembic and the mappers."""

from network.audit.models import AuditEntry, AuditHead
from network.auth.models import Invitation, User
from network.calendars.models import CalendarFeed
from network.charter.models import ArticleText, CharterArticle, CharterComment, CharterVersion
from network.cities.models import City, CityText, MembershipChange
from network.commitments.models import (
    Report,
    ReportEntry,
    ReportEvidence,
    ReportingPeriod,
    ReportReminder,
    ReportVersion,
)
from network.declarations.models import Declaration, DeclarationText, Signature
from network.elections.models import Election, ElectionRound, Nomination, Term
from network.indicators.models import (
    Collection,
    Indicator,
    IndicatorText,
    IndicatorValue,
    ValueVersion,
)
from network.meetings.minutes import Minutes
from network.meetings.models import AgendaItem, Meeting, SessionDecision
from network.meetings.papers import Paper
from network.motions.models import Motion, MotionText
from network.notices.models import NoticePreference, OutboxMessage, VoteReminder
from network.practices.models import Practice, PracticeDocument, PracticePillar, PracticeText
from network.resolutions.models import Resolution, ResolutionCounter
from network.votes.models import Ballot, ElectorateMember, Participation, Vote, VoteOption

__all__ = [
    "Report",
    "ReportEntry",
    "ReportEvidence",
    "ReportingPeriod",
    "ReportReminder",
    "ReportVersion",
    "Collection",
    "Indicator",
    "IndicatorText",
    "IndicatorValue",
    "ValueVersion",
    "AgendaItem",
    "Meeting",
    "Minutes",
    "Paper",
    "Motion",
    "MotionText",
    "SessionDecision",
    "ArticleText",
    "AuditEntry",
    "AuditHead",
    "Ballot",
    "CalendarFeed",
    "CharterArticle",
    "CharterComment",
    "CharterVersion",
    "City",
    "Declaration",
    "DeclarationText",
    "Signature",
    "CityText",
    "Election",
    "ElectionRound",
    "ElectorateMember",
    "Invitation",
    "MembershipChange",
    "Nomination",
    "NoticePreference",
    "OutboxMessage",
    "Participation",
    "Practice",
    "PracticeDocument",
    "PracticePillar",
    "PracticeText",
    "Resolution",
    "ResolutionCounter",
    "Term",
    "User",
    "Vote",
    "VoteOption",
    "VoteReminder",
]
