"""Who spoke when, from samples alone (voice activity, windows, clustering): a layer below
the rooms, so ingest/enrich (storing speakers) and retrieval (a query clip's main voice)
share it without importing each other."""
