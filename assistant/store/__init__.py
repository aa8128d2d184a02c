"""Persistence: the SQLite catalog and the vector index."""
