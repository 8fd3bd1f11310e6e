"""iCalendar feeds (RFC 5545): the network's public calendar and each person's own."""
