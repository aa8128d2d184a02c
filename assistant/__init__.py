"""Archive Assistant: ask questions of a multimedia archive, get answers citing playable clips."""

__version__ = "0.1.0"
