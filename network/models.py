"""Every model, imported in one place for Alembic and the mappers."""

from network.audit.models import AuditEntry, AuditHead
from network.auth.models import Invitation, User
from network.charter.models import ArticleText, CharterArticle, CharterComment, CharterVersion
from network.cities.models import City, CityText, MembershipChange
from network.declarations.models import Declaration, DeclarationText, Signature
from network.elections.models import Election, ElectionRound, Nomination, Term
from network.meetings.models import AgendaItem, Meeting, SessionDecision
from network.motions.models import Motion, MotionText
from network.resolutions.models import Resolution, ResolutionCounter
from network.votes.models import Ballot, ElectorateMember, Participation, Vote, VoteOption

__all__ = [
    "AgendaItem",
    "Meeting",
    "Motion",
    "MotionText",
    "SessionDecision",
    "ArticleText",
    "AuditEntry",
    "AuditHead",
    "Ballot",
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
    "Participation",
    "Resolution",
    "ResolutionCounter",
    "Term",
    "User",
    "Vote",
    "VoteOption",
]
