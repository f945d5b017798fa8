"""The gated scan (each pattern run only over the stretches of text around its gate
words, between characters it cannot read) finds what a scan of the whole text finds."""

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
    "wenig später, kurz zuvor, derzeit, Bald, gegenwärtig, vorgestern, Übermorgen früh, täglich.",
    "jeden Tag, jedes Jahr, alljährlich, montags, Jeden Sonntag, jahrelang, seit Jahrzehnten.",
    "am 3.4.2020, 2020-01-02, 1926–28, 1912/13, in den 1990er Jahren, 80er-Jahre, (12.5.21).",
    "»Am 3. März«, sagte er – im Mai: (14 Uhr) / 1. Mai-Feiertag, 2.-3. Juni.",
    "Ohne ein Datum: die Regierung sagte, sie werde prüfen.",
    # quantities and relative units with the most words their pattern allows before the unit
    "Die Regierung in Berlin sagte gestern, sie komme innerhalb von mehr als ein paar Tagen "
    "zurück, wohl bis Ende des kommenden Jahres, nach weniger als zwanzig Wochen später.",
    # gate words inside words or without their context: "Dienstag", "Vorjahr", "im März", "3.\n\n März"
    "Am Dienstag, drei Tage nach dem Vorjahr, im März und am 3.\n\n März, Landtag 2 Jahre, 1.Mai.",
    "",
]


def test_gates_align_with_patterns():
    assert len(dates._GATES) == len(dates.PATTERNS)


def test_gated_scan_finds_the_same_candidates():
    for text in TEXTS:
        assert dates._candidates(text) == dates._candidates(text, full_scan=True), text


def test_stretches_end_at_characters_the_pattern_cannot_read():
    text = "Er kam am Montag, dem 3. März, um 14 Uhr."
    weekday = next(s for s in dates._SCANNERS if s.name == "weekday")
    next_gate = weekday._gate_finder(text, dates._gate_words_at(text))
    assert [text[a:b] for a, b in weekday._stretches(text, text[::-1], next_gate)] == ["Er kam am Montag"]


def test_stretches_start_at_the_words_a_match_can_have_before_its_gate_word():
    text = "Die Regierung in Berlin sagte, sie komme innerhalb von mehr als ein paar Tagen zurück."
    quantity = next(s for s in dates._SCANNERS if s.name == "quantity")
    next_gate = quantity._gate_finder(text, dates._gate_words_at(text))
    assert [text[a:b] for a, b in quantity._stretches(text, text[::-1], next_gate)] == [
        "innerhalb von mehr als ein paar Tagen zurück"]


def test_gate_words_are_found_wherever_they_start():
    for text in TEXTS + ["Vorgestern, übermorgen, jahrelang langsam: Dienstagabend jedes Jahr."]:
        expected = {}
        for word in dates._GATE_WORDS:
            starts = [k for k in range(len(text)) if text.startswith(word, k)]
            if starts:
                expected[word] = starts
        assert dates._gate_words_at(text) == expected, text
