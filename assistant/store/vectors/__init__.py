"""Vector indexes behind one protocol (base.VectorIndex); chroma.py is the first."""
