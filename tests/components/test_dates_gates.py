"""The literal gates of the date patterns skip only scans that could not match."""

from pipeline.components import dates

TEXTS = [
    "Am 3. März 2021 um 14.30 Uhr, in der Nacht vom 3. auf den 4. Mai, vom 1. bis 5. Sept. 1999.",
    "Anfang Jänner, Mitte Feber 1920, im Frühjahr 2003, Ende des Sommers, im Herbst des Jahres 1989.",
    "264–260 v. Chr. und 449/448 vor Christus; im 19. Jahrhundert; gegen Mitternacht.",
    "am selben Tag, im Vorjahr, am Vortag, am Vorabend, am Folgetag, am Tag darauf, am nächsten Tag.",
    "vergangenen Montag, kommenden Sonnabend, Mittwochabend, jeden Freitag, sonntags.",
    "in der kommenden Woche, des laufenden Monats, im nächsten Jahr, zum Jahresende, Monatsanfang.",
    "vor zwei Jahren, innerhalb von drei Wochen, mehr als 40 Stunden später, binnen 10 Minuten.",
    "seit Jahren, tagelang, heute, jetzt, kurz danach, Dec. 12, Okt. 3, 2020-01-02.",
    "Ohne ein Datum: die Regierung sagte, sie werde prüfen.",
    "",
]


def _ungated(text: str) -> list:
    saved = dates._GATES
    dates._GATES = [None] * len(saved)
    try:
        return dates._candidates(text)
    finally:
        dates._GATES = saved


def test_gates_align_with_patterns():
    assert len(dates._GATES) == len(dates.PATTERNS)


def test_gated_scan_finds_the_same_candidates():
    for text in TEXTS:
        assert dates._candidates(text) == _ungated(text), text
