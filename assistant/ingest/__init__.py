"""The ingest pipeline: scan -> sniff -> extract -> enrich -> embed -> store; the run report."""
