"""meldung_quotes on a blank German pipeline: direct, indirect and mixed speech, speakers, cues."""

from __future__ import annotations

import pytest
import spacy

import pipeline
from pipeline.components.quotes import (
    QuoteLexicon, default_lexicon, find_quotation_marks, find_quotes, weak_forms,
)
from pipeline.nlp import default_model

WORKED_EXAMPLE = (
    "Bundeskanzler Olaf Scholz und der französische Präsident Emmanuel Macron\n"
    "kommen am Freitag in Paris zusammen. Das teilte ein Regierungssprecher am\n"
    "Dienstag mit.\n\n"
    "Neue Hilfen für die Ukraine\n\n"
    "Scholz sagte, er erwarte schwierige Gespräche. Frankreich sei „ein\n"
    "unverzichtbarer Partner“, sagte Regierungssprecher Steffen Hebestreit.\n"
    "Bei Überschwemmungen in Norditalien kamen am Montag mindestens 14 Menschen\n"
    "ums Leben, rund 36.000 wurden obdachlos. (dpa/abc)"
)


@pytest.fixture(scope="module")
def nlp():
    nlp = pipeline.load("blank")
    if "meldung_quotes" not in nlp.pipe_names:
        nlp.add_pipe("meldung_quotes")
    return nlp


@pytest.fixture(scope="module")
def model_nlp():
    """The bundled model with its parser and morphology, and the quotes component."""
    nlp = pipeline.load(default_model())
    if "meldung_quotes" not in nlp.pipe_names:
        nlp.add_pipe("meldung_quotes")
    return nlp


def rows(nlp, text):
    """(kind, message, speaker, speaker_text, cue) per quote span, as the table reads them."""
    doc = nlp(text)
    return [(s._.quote_kind, s.text, s._.quote_speaker, s._.quote_speaker_text, s._.quote_cue)
            for s in doc.spans["quotes"]]


def test_quotes_worked_example(nlp):
    doc = nlp(WORKED_EXAMPLE)
    got = [(s._.quote_kind, s._.quote_speaker, s._.quote_speaker_text, s._.quote_cue)
           for s in doc.spans["quotes"]]
    assert got == [
        ("indirect", "Olaf Scholz", "Scholz", "sagte"),
        ("mixed", "Steffen Hebestreit", "Regierungssprecher Steffen Hebestreit", "sagte"),
    ]
    first, second = doc.spans["quotes"]
    assert first.text == "er erwarte schwierige Gespräche"
    assert second.text.startswith("Frankreich sei „ein") and second.text.endswith("Partner“")
    assert doc.text[second._.quote_speaker_start:second._.quote_speaker_end] == \
        "Regierungssprecher Steffen Hebestreit"
    assert doc.text[second._.quote_cue_start:second._.quote_cue_end] == "sagte"


@pytest.mark.parametrize("text,expected", [
    # direct speech after and before the reporting clause, other marks
    ("„Wir geben nicht auf“, sagte Erdogan.",
     [("direct", "„Wir geben nicht auf“", "Erdogan", "Erdogan", "sagte")]),
    ("Erdogan sagte: „Wir geben nicht auf.“",
     [("direct", "„Wir geben nicht auf.“", "Erdogan", "Erdogan", "sagte")]),
    ("»Das ist inakzeptabel«, erklärte die Regierung.",
     [("direct", "»Das ist inakzeptabel«", "Regierung", "die Regierung", "erklärte")]),
    ('"Wir prüfen das", sagte Müller.',
     [("direct", '"Wir prüfen das"', "Müller", "Müller", "sagte")]),
    # split around the reporting clause: one row
    ("„Wir werden alle Maßnahmen“, sagte Erdogan, „zum Schutz unseres Landes ergreifen.“",
     [("direct", "„Wir werden alle Maßnahmen“, sagte Erdogan, „zum Schutz unseres Landes ergreifen.“",
       "Erdogan", "Erdogan", "sagte")]),
    # indirect speech, Konjunktiv, reporting clause before and after, particle verb
    ("Der Kreml erklärte, die Zusammenarbeit habe hohe Priorität.",
     [("indirect", "die Zusammenarbeit habe hohe Priorität", "Kreml", "Der Kreml", "erklärte")]),
    ("Die Lage sei ernst, sagte der Minister.",
     [("indirect", "Die Lage sei ernst", "Minister", "der Minister", "sagte")]),
    # one form of several particle verbs ("gab": angeben, bekanntgeben, zugeben)
    ("Der Fahrer gab an, er habe nichts gesehen.",
     [("indirect", "er habe nichts gesehen", "Fahrer", "Der Fahrer", "gab an")]),
    ("Die Firma gab bekannt, dass das Werk geschlossen werde.",
     [("indirect", "dass das Werk geschlossen werde", "Firma", "Die Firma", "gab bekannt")]),
    ("Beobachter wiesen darauf hin, dass die Zahl der Angriffe abgenommen habe.",
     [("indirect", "dass die Zahl der Angriffe abgenommen habe", "Beobachter", "Beobachter",
       "wiesen darauf hin")]),
    # a zu-infinitive is the content of a verb of demanding; the subject before the auxiliary
    ("Die Politiker haben dazu aufgerufen, die Kontrollen zu verstärken.",
     [("indirect", "die Kontrollen zu verstärken", "Politiker", "Die Politiker", "aufgerufen")]),
    ("Der Minister deutete an, er werde zurücktreten.",
     [("indirect", "er werde zurücktreten", "Minister", "Der Minister", "deutete an")]),
    # passive: the subject is not the speaker, the "von" agent is
    ("Dem Minister wurde vorgeworfen, er habe gelogen.",
     [("indirect", "er habe gelogen", None, None, "wurde vorgeworfen")]),
    ("Von der Regierung wurde erklärt, die Lage sei ernst.",
     [("indirect", "die Lage sei ernst", "Regierung", "Von der Regierung", "wurde erklärt")]),
    # the particle after an apposition between commas ("geht …, davon aus")
    ("Der Minister geht nach einem Treffen mit dem Leiter, Joachim Rücker, davon aus, dass "
     "die Lage ernst sei.",
     [("indirect", "dass die Lage ernst sei", "Minister", "Der Minister", "geht aus")]),
    # a participle before "worden" is a passive in the message, not a reporting verb
    ("Die Quote sei festgelegt worden, so das Ministerium.",
     [("indirect", "Die Quote sei festgelegt worden", "Ministerium", "das Ministerium", "so")]),
    # the frame after the content with its auxiliary first ("…, hatte Obama … gesagt")
    ("Es drohe ein Wettlauf, hatte Obama bei seinem Treffen in Moskau gesagt.",
     [("indirect", "Es drohe ein Wettlauf", "Obama", "Obama", "hatte gesagt")]),
    # two reporting clauses in one sentence: two quotes
    ("Die Anwältin bestätigte, dass ein Haftbefehl besteht, und gab an, die Polizei zu "
     "informieren.",
     [("indirect", "dass ein Haftbefehl besteht", "Anwältin", "Die Anwältin", "bestätigte"),
      ("indirect", "die Polizei zu informieren", None, None, "gab an")]),
    ("Die Polizei teilte mit, dass zwei Menschen verletzt worden seien.",
     [("indirect", "dass zwei Menschen verletzt worden seien", "Polizei", "Die Polizei",
       "teilte mit")]),
    # source phrases
    ("Laut Polizei wurden drei Menschen verletzt.",
     [("indirect", "wurden drei Menschen verletzt", "Polizei", "Polizei", "Laut")]),
    ("Den Behörden zufolge ist die Lage ruhig.",
     [("indirect", "ist die Lage ruhig", "Behörden", "Den Behörden", "zufolge")]),
    ("Die Lage sei ernst, so der Sprecher.",
     [("indirect", "Die Lage sei ernst", "Sprecher", "der Sprecher", "so")]),
    # the speaker as written keeps its preposition, as the Wikinews gold marks it
    ("Die Gespräche seien gescheitert, hieß es aus Regierungskreisen.",
     [("indirect", "Die Gespräche seien gescheitert", "Regierungskreisen", "aus Regierungskreisen",
       "hieß es")]),
    # mixed: indirect with a literal part
    ("Er sagte, die Regierung habe „völlig versagt“.",
     [("mixed", "die Regierung habe „völlig versagt“", None, "Er", "sagte")]),
    # a report without quotes
    ("Bei Überschwemmungen kamen am Montag 14 Menschen ums Leben.", []),
    ("Die Firma „Siemens Energy“ baut in Berlin ein Werk.", []),
])
def test_quotes_forms(nlp, text, expected):
    assert rows(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    # a cue-less Konjunktiv sentence continues the previous speaker's quote
    ("Der Kreml erklärte, die Zusammenarbeit habe hohe Priorität. Sie solle ausgebaut werden. "
     "Das Wetter war gut.",
     [("indirect", "die Zusammenarbeit habe hohe Priorität", "Kreml", "Der Kreml", "erklärte"),
      ("indirect", "Sie solle ausgebaut werden.", "Kreml", "Der Kreml", None)]),
    # consecutive continuation sentences of a paragraph are one quote
    ("Der Kreml erklärte, die Zusammenarbeit habe hohe Priorität. Sie solle ausgebaut werden. "
     "Man sei zuversichtlich. Das Wetter war gut.",
     [("indirect", "die Zusammenarbeit habe hohe Priorität", "Kreml", "Der Kreml", "erklärte"),
      ("indirect", "Sie solle ausgebaut werden. Man sei zuversichtlich.", "Kreml", "Der Kreml",
       None)]),
    # the Konjunktiv verb after a long first constituent
    ("Der Gouverneur sagte, die Lage sei ernst. Beim letzten großen Hochwasser im Jahr 1999, "
     "dessen Ausmaße geringer waren, seien 20.000 Soldaten im Einsatz gewesen.",
     [("indirect", "die Lage sei ernst", "Gouverneur", "Der Gouverneur", "sagte"),
      ("indirect", "Beim letzten großen Hochwasser im Jahr 1999, dessen Ausmaße geringer waren, "
       "seien 20.000 Soldaten im Einsatz gewesen.", "Gouverneur", "Der Gouverneur", None)]),
    # a pronoun resolves to the person named before
    ("Kreml-Sprecher Dmitri Peskow sagte: „Das ist inakzeptabel.“\n\n"
     "Er sagte, man sei offen für Gespräche.",
     [("direct", "„Das ist inakzeptabel.“", "Dmitri Peskow", "Kreml-Sprecher Dmitri Peskow", "sagte"),
      ("indirect", "man sei offen für Gespräche", "Dmitri Peskow", "Er", "sagte")]),
    # a quotation paragraph without reporting clause continues the speaker
    ("Peskow sagte: „Das ist inakzeptabel.“\n\n„Wir prüfen alle Optionen.“",
     [("direct", "„Das ist inakzeptabel.“", "Peskow", "Peskow", "sagte"),
      ("direct", "„Wir prüfen alle Optionen.“", "Peskow", "Peskow", None)]),
])
def test_quotes_continuations(nlp, text, expected):
    assert rows(nlp, text) == expected


def test_quotes_headline(nlp):
    from pipeline.run import make_doc
    from pipeline.ingest.report import Report

    text = "Erdogan: Wir geben nicht auf\n\nDer Präsident sprach in Ankara."
    report = Report(doc_id="t", text=text, source="t")
    try:
        report.blocks = []
    except Exception:  # noqa: BLE001
        pytest.skip("Report has no blocks")
    from spacy.tokens import Span
    doc = nlp.make_doc(text)
    doc.spans["layout"] = [Span(doc, 0, 6, label="headline"), Span(doc, 7, len(doc), label="paragraph")]
    for name, proc in nlp.pipeline:
        doc = proc(doc)
    got = [(s._.quote_kind, s.text, s._.quote_speaker_text) for s in doc.spans["quotes"]]
    assert got == [("direct", "Wir geben nicht auf", "Erdogan")]
    _ = make_doc


@pytest.mark.parametrize("text,expected", [
    # nested marks: one top-level quotation with a nested one
    ("„Er nannte das ‚Unsinn‘“, sagte sie.", [(0, 7, 0, True), (4, 6, 1, True)]),
    ("»Wir sagen „nein“ dazu«, sagte er.", [(0, 7, 0, True), (3, 5, 1, True)]),
    # unbalanced: runs to the end of the range, not further
    ("„Das ist offen", [(0, 3, 0, False)]),
])
def test_quotes_marks(nlp, text, expected):
    doc = nlp.make_doc(text)
    assert find_quotation_marks(doc) == expected


def test_quotes_unclosed_mark_stops_at_paragraph(nlp):
    text = "Er sagte: „Das ist ein Zitat ohne Ende.\n\nDer nächste Absatz. Die Sonne scheint."
    quotes = list(find_quotes(nlp(text)))
    assert len(quotes) == 1
    assert quotes[0].text == "„Das ist ein Zitat ohne Ende."
    assert quotes[0].kind == "direct"


def test_quotes_doc_extension_and_records(nlp):
    doc = nlp(WORKED_EXAMPLE)
    records = doc._.quotes
    assert [r.kind for r in records] == ["indirect", "mixed"]
    assert records[1].speaker_text == "Regierungssprecher Steffen Hebestreit"
    found = list(find_quotes(doc))
    assert [(q.start, q.end, q.kind) for q in found] == [(r.start, r.end, r.kind) for r in records]
    for span in doc.spans["quotes"]:
        for name in ("quote_kind", "quote_speaker", "quote_speaker_text", "quote_cue"):
            assert isinstance(span._.get(name), (str, type(None)))
        for name in ("quote_speaker_entity", "quote_speaker_start", "quote_cue_start"):
            assert isinstance(span._.get(name), (int, type(None)))


def test_quotes_resolves_against_mentions(nlp):
    """With the resolver's doc.spans["mentions"], speaker and entity id come from it."""
    from spacy.tokens import Span

    for name in ("mention_entity", "mention_canonical"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    text = "Kreml-Sprecher Dmitri Peskow traf Journalisten. Er sagte, die Lage sei ernst."
    doc = nlp.make_doc(text)
    mention = Span(doc, 1, 3, label="PER")
    mention._.mention_entity = 7
    mention._.mention_canonical = "Dmitri Peskow"
    doc.spans["mentions"] = [mention]
    for name, proc in nlp.pipeline:
        if name != "meldung_entities":  # keep the mentions written here
            doc = proc(doc)
    (quote,) = doc.spans["quotes"]
    assert (quote._.quote_speaker, quote._.quote_speaker_entity, quote._.quote_speaker_text) == \
        ("Dmitri Peskow", 7, "Er")


def test_quotes_lexicon_forms():
    lex = default_lexicon()
    assert {"sagte", "sagten", "gesagt", "sagt"} <= weak_forms("sagen")
    assert lex.verbs["teilte"][0] == "mitteilen" and lex.verbs["mitgeteilt"][0] == "mitteilen"
    assert lex.verbs["sprach"][0] == "sprechen"
    assert "sei" in lex.konjunktiv and lex.is_role("Kreml-Sprecher")


def test_quotes_to_disk_round_trip(nlp, tmp_path):
    pipe = nlp.get_pipe("meldung_quotes")
    pipe.to_disk(tmp_path / "quotes")
    other = spacy.blank("de")
    other.add_pipe("sentencizer")
    other.add_pipe("meldung_quotes", config={"max_gap": 1})
    loaded = other.get_pipe("meldung_quotes").from_disk(tmp_path / "quotes")
    assert loaded.max_gap == 6
    assert isinstance(loaded.lexicon, QuoteLexicon)
    assert loaded.lexicon.verbs == default_lexicon().verbs
    assert rows(other, "Die Lage sei ernst, sagte der Minister.") == \
        rows(nlp, "Die Lage sei ernst, sagte der Minister.")


def test_quotes_direct_only(nlp):
    pipe = nlp.get_pipe("meldung_quotes")
    pipe.indirect = False
    try:
        # the literal part of the mixed quote is what is left
        assert [r[0] for r in rows(nlp, WORKED_EXAMPLE)] == ["direct"]
        assert [r[0] for r in rows(nlp, "„Wir geben nicht auf“, sagte Erdogan.")] == ["direct"]
    finally:
        pipe.indirect = True


@pytest.mark.skipif(default_model() is None, reason="needs a trained pipeline (parser, morphology)")
def test_quotes_with_model_worked_example():
    nlp = pipeline.load(default_model())
    if "meldung_quotes" not in nlp.pipe_names:
        nlp.add_pipe("meldung_quotes")
    doc = nlp(WORKED_EXAMPLE)
    got = [(s._.quote_kind, s._.quote_speaker_text, s._.quote_cue) for s in doc.spans["quotes"]]
    assert got == [("indirect", "Scholz", "sagte"),
                   ("mixed", "Regierungssprecher Steffen Hebestreit", "sagte")]


@pytest.mark.parametrize("text,expected", [
    # a reporting verb with an object instead of a content clause: the whole sentence is the
    # message (as the Wikinews gold marks "Reported" speech), no cue
    ("Die Opposition kritisierte die Entscheidung der Regierung.",
     [("reported", "Die Opposition kritisierte die Entscheidung der Regierung.", "Opposition",
       "Die Opposition", None)]),
    ("Die Gewerkschaft bezeichnet die Lösung als Irrweg.",
     [("reported", "Die Gewerkschaft bezeichnet die Lösung als Irrweg.", "Gewerkschaft",
       "Die Gewerkschaft", None)]),
    # not reported speech: passive, a non-source subject, "sprechen" without von/über
    ("Die Entscheidung wurde von der Opposition kritisiert.", []),
    ("Das beschloss das Gericht nach einer Anhörung.", []),
    ("Der Minister sprach mit seiner Frau.", []),
    # a preposition is not a separated particle ("nahmen an der Feier teil" is not "annehmen")
    ("Die Minister nahmen an der Feier teil.", []),
    # "rief ... auf" is aufrufen (reported), "rief die Polizei" is not
    ("Die Gewerkschaft rief zum Streik auf.",
     [("reported", "Die Gewerkschaft rief zum Streik auf.", "Gewerkschaft", "Die Gewerkschaft",
       None)]),
    ("Die Frau rief die Polizei.", []),
    # thought verbs with an object report too; not "finden"
    ("Der Präsident vermutet einen Militärputsch.",
     [("reported", "Der Präsident vermutet einen Militärputsch.", "Präsident", "Der Präsident",
       None)]),
    ("Die Polizei fand einen Abschiedsbrief.", []),
    # "fordern" counting victims is no demand; a lemma that is another verb's form is no cue
    ("Das Erdbeben forderte zwölf Todesopfer.", []),
    ("Die Krise nahm größere Ausmaße an.", []),
])
def test_quotes_reported(nlp, text, expected):
    assert rows(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    # the speaker takes its apposition and parenthesis (as the Wikinews gold marks speakers)
    ("Die Lage sei ernst, sagte Marcelo Ebrard, der Bürgermeister von Mexiko-Stadt.",
     [("indirect", "Die Lage sei ernst", "Marcelo Ebrard",
       "Marcelo Ebrard, der Bürgermeister von Mexiko-Stadt", "sagte")]),
    ("Der Gouverneur des Bundesstaates, Gabino Cué, sagte, die Lage sei ernst.",
     [("indirect", "die Lage sei ernst", "Gabino Cué",
       "Der Gouverneur des Bundesstaates, Gabino Cué", "sagte")]),
    ("Ministerin Kristina Schröder (CDU) sagte, die Lage sei ernst.",
     [("indirect", "die Lage sei ernst", "Kristina Schröder",
       "Ministerin Kristina Schröder (CDU)", "sagte")]),
    # a relative clause is not an apposition; "wie" is not part of the speaker
    ("Die Lage sei ernst, sagte Müller, der seit 2005 im Amt ist.",
     [("indirect", "Die Lage sei ernst", "Müller", "Müller", "sagte")]),
    ("Wie die Polizei mitteilte, wurden zwei Menschen verletzt.",
     [("indirect", "wurden zwei Menschen verletzt", "Polizei", "die Polizei", "Wie mitteilte")]),
])
def test_quotes_speaker_apposition(nlp, text, expected):
    assert rows(nlp, text) == expected


@pytest.mark.parametrize("text,expected", [
    # source phrases: the speaker with its apposition and genitive attachments, out of the message
    ("Nach Angaben von Kristján Loftsson, einem Manager der Firma, wurde eine Besatzung "
     "zusammengestellt.",
     [("indirect", "wurde eine Besatzung zusammengestellt", "Kristján Loftsson",
       "Angaben von Kristján Loftsson, einem Manager der Firma", "Nach")]),
    ("Nach Meinung politischer Beobachter ist die Lage ernst.",
     [("indirect", "ist die Lage ernst", "Beobachter", "Meinung politischer Beobachter",
       "Nach")]),
])
def test_quotes_source_phrase_speaker(nlp, text, expected):
    assert rows(nlp, text) == expected


@pytest.mark.parametrize("words,heads,deps,pos,morphs,i,expected", [
    # a singular noun subject and a present-tense verb in -e: Konjunktiv I
    (["China", "übertreibe", "die", "Gefahr", "."], [1, 1, 3, 1, 1],
     ["nsubj", "ROOT", "det", "obj", "punct"], ["PROPN", "VERB", "DET", "NOUN", "PUNCT"],
     ["Number=Sing", "", "", "", ""], 1, True),
    # a past-tense form in -te is not
    (["Die", "Regierung", "machte", "einen", "Vorschlag"], [1, 2, 2, 4, 2],
     ["det", "nsubj", "ROOT", "det", "obj"], ["DET", "NOUN", "VERB", "DET", "NOUN"],
     ["", "Number=Sing", "Mood=Ind|Tense=Past", "", ""], 2, False),
    # a plural subject: "Die Staaten übertreiben" is indicative, "die Staaten" + -e is not a form
    (["Die", "Staaten", "übertreiben", "die", "Gefahr"], [1, 2, 2, 4, 2],
     ["det", "nsubj", "ROOT", "det", "obj"], ["DET", "NOUN", "VERB", "DET", "NOUN"],
     ["", "Number=Plur", "", "", ""], 2, False),
])
def test_quotes_subjunctive_noun_subject(nlp, words, heads, deps, pos, morphs, i, expected):
    from spacy.tokens import Doc

    from pipeline.components.quotes import is_subjunctive

    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, morphs=morphs)
    assert is_subjunctive(doc[i]) is expected


@pytest.mark.parametrize("text,expected", [
    # names in quotation marks are not quotations; a scare quote is
    ("Das Magazin berichtete über die Firma „Tutogen Medical“.",
     [("reported", "Das Magazin berichtete über die Firma „Tutogen Medical“.", "Magazin",
       "Das Magazin", None)]),
    ("Der Minister berichtete von der Website „icelandreview.com“.",
     [("reported", "Der Minister berichtete von der Website „icelandreview.com“.", "Minister",
       "Der Minister", None)]),
    ("Er nannte die Entscheidung „völlig falsch“.",
     [("direct", "„völlig falsch“", None, "Er", "nannte")]),
])
def test_quotes_names_in_marks(nlp, text, expected):
    assert rows(nlp, text) == expected


@pytest.mark.skipif(default_model() is None, reason="needs a trained pipeline (parser, morphology)")
@pytest.mark.parametrize("text,speaker_text,speaker", [
    # the whole constituent before the finite verb is the speaker, attachments and name
    # included, even where the parser cuts it ("Nicolas Sarkozy" as an object)
    ("Die Landrätin Anna Maier von der Kreisverwaltung Passau sagte, die Schulen blieben zu.",
     "Die Landrätin Anna Maier von der Kreisverwaltung Passau", "Anna Maier"),
    ("Der französische Staatspräsident Nicolas Sarkozy erklärte, Frankreich werde helfen.",
     "Der französische Staatspräsident Nicolas Sarkozy", "Nicolas Sarkozy"),
    # a long relative clause inside the Vorfeld does not hide its noun phrase
    ("Brian Baptie von der Erdbebenwarte, die die Stärke zunächst mit 5,1 angegeben und später "
     "nach oben korrigiert hatte, sagte, dass solche Beben alle zehn Jahre vorkämen.",
     "Brian Baptie von der Erdbebenwarte", "Brian Baptie"),
    # "Aus X verlautete": the source phrase before the verb is the speaker
    ("Aus Militärkreisen verlautete, der Angriff sei gescheitert.", "Aus Militärkreisen",
     "Militärkreisen"),
    # the finite verb is an auxiliary before the cue
    ("Der Bürgermeister hat am Montag nach einer Sitzung erklärt, die Brücke werde gesperrt.",
     "Der Bürgermeister", "Bürgermeister"),
    # an adverb or time phrase before the verb: the subject follows the verb
    ("Unterdessen verlangen die Grünen, dass der Minister zurücktritt.", "die Grünen", None),
    ("Vergangene Woche sagte der Konzern, die Werke blieben offen.", "der Konzern", "Konzern"),
    ("Zudem betonte die Ministerin, sie werde nicht zurücktreten.", "die Ministerin", None),
    # after the verb: a name the tagger missed, a coordination, a place at the frame's end
    ("„Wer Stellen abbaut, handelt falsch“, so der zuständige Gewerkschaftsvorstand Uwe Foullong.",
     "der zuständige Gewerkschaftsvorstand Uwe Foullong", "Uwe Foullong"),
    ("„Es war wie ein Güterzug“, beschreibt ein Reporter des Senders Sky News aus Leicestershire.",
     "ein Reporter des Senders Sky News aus Leicestershire", None),
    # ", so X, apposition." - the apposition is the speaker's, not part of the message
    ("Der Angriff sei eine Strafe, so der Sprecher der Bewegung, Ehsanullah Ehsan.",
     "der Sprecher der Bewegung, Ehsanullah Ehsan", None),
    # a source in quotation marks is the speaker, not a quotation
    ("Laut „BBC News“ liefen hunderte Mönche um die Pagode.", "„BBC News“", None),
    # a name with its particle opens the sentence; a name and apposition are no content
    ("Von der Leyen betonte, es gebe viele Frauen.", "Von der Leyen", None),
    # a place inside an attachment is not who speaks
    ("Die Sprecherin des Umweltamts von Bayern sagte, das Wasser sei sauber.",
     "Die Sprecherin des Umweltamts von Bayern", "Sprecherin des Umweltamts von Bayern"),
])
def test_quotes_with_model_speaker_before_the_verb(model_nlp, text, speaker_text, speaker):
    doc = model_nlp(text)
    spans = list(doc.spans["quotes"])
    assert len(spans) == 1
    assert spans[0]._.quote_speaker_text == speaker_text
    if speaker is not None:
        assert spans[0]._.quote_speaker == speaker


def test_quotes_names_in_an_indirect_quote_are_no_literal_parts(nlp):
    """A quoted name inside indirect speech ("die Organisation „Department of Vertebrate
    Zoology“") does not make the quote mixed: only quoted words are literal."""
    doc = nlp("Der Forscher sagte, das Institut „Department of Vertebrate Zoology“ habe "
              "den Fund bestätigt.")
    assert [s._.quote_kind for s in doc.spans["quotes"]] == ["indirect"]
    doc = nlp("Der Forscher sagte, der Fund sei „eine Sensation“.")
    assert [s._.quote_kind for s in doc.spans["quotes"]] == ["mixed"]


def test_quotes_particle_after_a_quoted_word(model_nlp):
    """"wies ... als „haltlos“ zurück" is zurückweisen: the particle after a short quotation
    still belongs to the cue, and the quoted word is a direct quote of the subject."""
    doc = model_nlp("Im Gespräch wies der Geschäftsführer alle Vorwürfe als „haltlos“ zurück.")
    got = [(s._.quote_kind, s.text, s._.quote_speaker_text, s._.quote_cue)
           for s in doc.spans["quotes"]]
    assert got == [("direct", "„haltlos“", "der Geschäftsführer", "wies zurück")]


def test_quotes_reportative_sollen_continues_the_speaker(model_nlp):
    """"soll" in the main clause reports what others say, like a Konjunktiv: the sentence
    continues the previous speaker's quote."""
    doc = model_nlp("Die Polizei teilte mit, zwei Menschen seien verletzt worden. "
                    "Der Fahrer soll zu schnell gefahren sein. Die Straße war nass.")
    got = [(s._.quote_kind, s.text, s._.quote_speaker) for s in doc.spans["quotes"]]
    assert got == [("indirect", "zwei Menschen seien verletzt worden", "Polizei"),
                   ("indirect", "Der Fahrer soll zu schnell gefahren sein.", "Polizei")]


def test_quotes_name_and_apposition_before_the_verb_is_no_content(model_nlp):
    """"Petra Pau, PDS-Abgeordnete, spricht von ...": the name and its apposition before the
    verb are the speaker of a reported sentence, not an indirect message."""
    doc = model_nlp("Petra Pau, PDS-Bundestagsabgeordnete, spricht von einer Neudefinition.")
    got = [(s._.quote_kind, s._.quote_speaker_text) for s in doc.spans["quotes"]]
    assert got == [("reported", "Petra Pau, PDS-Bundestagsabgeordnete")]


def test_quotes_lemma_of_another_verb_is_no_cue(model_nlp):
    """"geriet" has the lemma "geraten", which is also the participle of the cue "raten"."""
    doc = model_nlp("In den Sog der Verluste geriet dann auch der US-Dollar.")
    assert list(doc.spans["quotes"]) == []


@pytest.mark.parametrize("text,message,speaker_text,cue", [
    ("Hugo Chávez vertritt die Ansicht, dass die Produktion zu mehr Hunger führen wird.",
     "dass die Produktion zu mehr Hunger führen wird", "Hugo Chávez", "vertritt Ansicht"),
    ("Der Präsident erteilte der Luftwaffe den Befehl, Menschen aus der Gefahrenzone zu bringen.",
     "Menschen aus der Gefahrenzone zu bringen", "Der Präsident", "erteilte Befehl"),
    ("Der Geschäftsführer hatte immer die Auffassung vertreten, das Verfahren sei abgesprochen.",
     "das Verfahren sei abgesprochen", "Der Geschäftsführer", "hatte Auffassung vertreten"),
])
def test_quotes_noun_cues(model_nlp, text, message, speaker_text, cue):
    """A cue noun before a content clause reports speech (cue_nouns.txt)."""
    doc = model_nlp(text)
    got = [(s.text, s._.quote_speaker_text, s._.quote_cue) for s in doc.spans["quotes"]]
    assert got == [(message, speaker_text, cue)]


def test_quotes_blank_pipeline_never_walks_a_missing_parse(tmp_path):
    """spaCy's Token.children can crash the interpreter (a segfault) on a Doc without a
    parse, as for these two sentences in the blank pipeline; the component must only walk
    the tree when there is one. Run in a subprocess so that a crash fails this test."""
    import subprocess
    import sys

    text = ("Gestern fand die Eröffnung des ''neuen Klärwerks'' mit 5 MW in Kiel im Rahmen einer "
            "Feier statt. So befasste sich auch der junge Ingenieur eines bayerischen "
            "Pumpenherstellers mit den Pegelständen in Kiel, fand mit seinen Vorschlägen aber in "
            "dem alten Unternehmen wenig Interesse.")
    code = ("import sys, pipeline\n"
            "nlp = pipeline.load('blank')\n"
            "doc = nlp(sys.stdin.read())\n"
            "print(len(doc.spans['quotes']))\n")
    done = subprocess.run([sys.executable, "-c", code], input=text, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_quotes_heisst_es_frame_names_the_document(model_nlp):
    """"In der Erklärung heißt es: „…“": the document is the source, with its preposition."""
    doc = model_nlp("In der Erklärung heißt es: „Wir sind bereit.“")
    got = [(s._.quote_kind, s._.quote_speaker_text, s._.quote_speaker, s._.quote_cue)
           for s in doc.spans["quotes"]]
    assert got == [("direct", "In der Erklärung", "Erklärung", "heißt es")]


@pytest.mark.parametrize("blocks", [
    [],
    [(0, 4, "paragraph"), (4, 9, "paragraph")],
    [(1, 3, "headline"), (5, 10, "paragraph")],  # gaps before, between and after the blocks
    [(0, 6, "paragraph"), (2, 4, "signature"), (6, 10, "paragraph")],  # a block inside another
])
def test_quotes_block_changes_are_where_the_block_of_a_token_changes(blocks):
    from pipeline.components.quotes import _block_changes
    n = 10
    block_of = [0] * n
    for b, (s, e, _) in enumerate(blocks):
        block_of[s:e] = [b] * (e - s)
    expected = [i for i in range(1, n) if block_of[i] != block_of[i - 1]]
    assert _block_changes(blocks, block_of) == expected


def test_quotes_extension_writer_sets_what_span_underscore_reads():
    from spacy.tokens import Doc, Span

    from pipeline.components._tokens import extension_writer
    from pipeline.components.quotes import SPAN_EXTENSIONS
    doc = Doc(spacy.blank("de").vocab, words=["Er", "sagte", ",", "es", "regne", "."])
    span = Span(doc, 3, 5, label="QUOTE")
    values = ("indirect", "Er", 0, "Er", 0, 2, "sagte", 3, 8)
    extension_writer(doc, SPAN_EXTENSIONS)(span, values)
    assert [Span(doc, 3, 5, label="QUOTE")._.get(name) for name in SPAN_EXTENSIONS] == list(values)
