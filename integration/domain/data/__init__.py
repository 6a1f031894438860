"""Data files of the domain (package data, so they ship in the wheel)."""
