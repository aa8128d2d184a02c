"""Exports of what the archive knows about a file (subtitles)."""
