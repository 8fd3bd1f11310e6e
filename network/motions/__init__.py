"""Motions: proposed, seconded, put to the vote; carried ones become resolutions."""
