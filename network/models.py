"""Every model, imported in one place for Alembic and the mappers."""

from network.audit.models import AuditEntry, AuditHead
from network.auth.models import Invitation, User
from network.cities.models import City, CityText, MembershipChange

__all__ = ["AuditEntry", "AuditHead", "City", "CityText", "Invitation", "MembershipChange", "User"]
