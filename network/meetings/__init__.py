"""Meetings of the council, their agendas and the decisions taken in the room."""
