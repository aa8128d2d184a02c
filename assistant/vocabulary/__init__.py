"""The project's shared words, each defined once: segment kinds and their groups
(kinds.py), metadata sources with their priority and trust (sources.py), the agent's tool
names (tools.py), how times are written (timefmt.py), how text is split into words
(words.py), how a metadata value reads as a list (values.py) and the months (months.py).
A leaf package: it imports nothing of the project, so every room may use it."""
