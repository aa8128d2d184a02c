"""Real test media and sample archives, outside the product package: Debian photos and
videos, espeak-ng speech, synthesised music, faces, sounds and broken files. Used by
tests/, bench/, scripts/ (the eval suites, `make demo`); never by `assistant` itself, and
not in the wheel. media.py: the mixed test archive and its parts; faces.py, senses.py,
music_corpus.py: the corpora of those benchmarks."""
