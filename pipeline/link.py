"""Linking people across the documents of a run.

Within a report ``meldung_entities`` already joins "Erdogan" to "Recep Tayyip
Erdogan". Across reports a short form can stand alone (a headline report that only
says "Erdogan"). At the end of a run, :func:`link_people` maps every canonical
person name seen to a representative name, and :func:`person_id` turns that into
an id that is the same in every run:

    >>> names = ["Recep Tayyip Erdogan", "Erdogan", "Putin", "Hansi Flick", "Silke Flick", "Flick"]
    >>> mapping = link_people(names)
    >>> mapping["Erdogan"], mapping["Putin"], mapping["Flick"]
    ('Recep Tayyip Erdogan', 'Putin', 'Flick')
    >>> person_id(mapping["Erdogan"]) == person_id("Recep Tayyip Erdogan")
    True

Rules: a name joins a longer name when the longer name ends with it word by word
("Erdogan", "Tayyip Erdogan" -> "Recep Tayyip Erdogan") and exactly one longer name
of the run does so (two "Flick"s: no link); a name is otherwise its own
representative. Case and surrounding white space are ignored for matching; the
representative keeps its spelling. Nothing here is fuzzy: "Selensky" and
"Selenskyj" stay two people.
"""

from __future__ import annotations

from typing import Iterable

from .tables.rows import person_id

__all__ = ["link_people", "person_id"]


def _words(name: str) -> tuple[str, ...]:
    return tuple(name.casefold().split())


def link_people(canonicals: Iterable[str]) -> dict[str, str]:
    """Map each canonical person name of a run to its representative name."""
    names = list(dict.fromkeys(n for n in canonicals if n and n.strip()))
    by_words: dict[tuple[str, ...], str] = {}
    for name in sorted(names, key=lambda n: (-len(_words(n)), n)):
        by_words.setdefault(_words(name), " ".join(name.split()))
    longer: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for words in by_words:
        for k in range(1, len(words)):
            longer.setdefault(words[k:], set()).add(words)
    mapping = {}
    for name in names:
        owners = longer.get(_words(name), set())
        # keep only the longest owners: "Tayyip Erdogan" and "Recep Tayyip Erdogan" are one chain
        tops = {o for o in owners if not any(o != p and o == p[len(p) - len(o):] for p in owners)}
        mapping[name] = by_words[next(iter(tops))] if len(tops) == 1 else " ".join(name.split())
    return mapping
