"""Broadsheet: a fast, private, self-hosted publication platform."""

__version__ = "0.1.0"
