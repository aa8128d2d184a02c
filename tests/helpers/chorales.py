"""Chord tables for synthetic chorale tests (MIDI notes, bass first), read from
chorales.json beside this file."""

import json
from pathlib import Path

_TABLES = json.loads(Path(__file__).with_name("chorales.json").read_text(encoding="utf-8"))

# A minor: i iv V i VI iv V i (harmonic minor's G#); four voices.
A_MINOR_BODY: list[tuple[int, ...]] = [tuple(c) for c in _TABLES["a_minor_body"]]
# D major that lingers on its dominant: I IV V V7/V V V; four voices.
D_MAJOR_IN_A: list[tuple[int, ...]] = [tuple(c) for c in _TABLES["d_major_in_a"]]
# A B minor piece that spends its middle in D major (i iv VII III VI iv V i, then
# III VI VII III VI VII III V): its pitch content leans to D major. (bass, upper notes).
B_MINOR_BODY: list[tuple[int, tuple[int, ...]]] = [
    (bass, tuple(upper)) for bass, upper in _TABLES["b_minor_body"]
]
