"""The archive as Model Context Protocol tools (`assistant mcp`), for the AI assistant on a
reporter's desk: search by words, picture or sound, open a clip, ask, list the facets."""
