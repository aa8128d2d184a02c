"""Chord tables for synthetic chorale tests (MIDI notes, four voices, bass first)."""

# A minor: i iv V i VI iv V i (harmonic minor's G#).
A_MINOR_BODY = [
    (45, 60, 64, 69),
    (50, 62, 65, 69),
    (52, 59, 64, 68),
    (45, 60, 64, 69),
    (41, 60, 65, 69),
    (50, 62, 65, 69),
    (52, 59, 64, 68),
    (45, 60, 64, 69),
]
