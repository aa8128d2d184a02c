"""How alike two things are, shared by search (retrieval/) and ingest-time matching
(enrich/): each signal's calibration to [0, 1] and the perceptual-hash near-duplicate
index. Below both rooms, so ingest never imports query code."""
