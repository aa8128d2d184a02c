"""Retrieval: one query (text, image, audio, or a mix) against every modality, under
metadata filters, fused into ranked playable clips. Entry point: engine.SearchEngine."""
