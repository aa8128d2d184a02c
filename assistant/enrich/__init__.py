"""Visual QA and captions, OCR, music attributes, metadata propagation, entities."""
