"""Dossier actions: one registry entry per action of the transition table (docs/adr/0013)."""
