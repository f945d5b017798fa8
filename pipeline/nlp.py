"""Loading the German spaCy pipeline that meldung runs on.

By default this is the pipeline the project trains itself and ships in
``models/de_meldung`` (``de_core_news_sm`` cannot be installed here). Any spaCy
package name or pipeline folder can be given instead, e.g. ``de_core_news_sm``.
"""

from __future__ import annotations

import os
from pathlib import Path

import spacy
from spacy.language import Language

# importing the component modules registers their factories (also done by the
# spacy_factories entry points when meldung is installed)
from .components import dates, entities, events, numbers, pos_from_tag, quotes  # noqa: F401
from .components.sentences import add_sentence_rules
from .components.tokenizer import customize_tokenizer

#: Where the bundled pipeline lives in a checkout (editable install).
BUNDLED_MODEL = Path(__file__).resolve().parent.parent / "models" / "de_meldung"
#: Environment variable that overrides the default model.
MODEL_ENV = "MELDUNG_MODEL"

#: meldung's own components, in pipeline order, added after the model's pipes.
MELDUNG_PIPES: tuple[str, ...] = ("meldung_numbers", "meldung_dates", "meldung_entities", "meldung_quotes",
                                   "meldung_events")


class ModelNotFound(RuntimeError):
    """Raised when a model name or path cannot be loaded."""


def default_model() -> str | None:
    """The model used when none is named: $MELDUNG_MODEL, else the bundled one, else None."""
    if os.environ.get(MODEL_ENV):
        return os.environ[MODEL_ENV]
    if (BUNDLED_MODEL / "config.cfg").exists():
        return str(BUNDLED_MODEL)
    return None


def load_base(model: str | None = None) -> Language:
    """Load the statistical pipeline alone (no meldung components).

    ``model`` is a package name (``de_core_news_sm``), a folder, or ``"blank"``
    for a blank German pipeline with a rule-based sentencizer.
    """
    name = model or default_model() or "blank"
    if name == "blank":
        nlp = spacy.blank("de")
        nlp.add_pipe("sentencizer")
        return nlp
    try:
        return spacy.load(name)
    except OSError as err:
        raise ModelNotFound(
            f"cannot load model {name!r}: not an installed spaCy package or pipeline folder"
        ) from err


def load(model: str | None = None) -> Language:
    """The German pipeline with meldung's components added.

    >>> nlp = load("blank")
    >>> [s.text for s in nlp("Das ist gut. Wirklich.").sents]
    ['Das ist gut.', 'Wirklich.']
    """
    nlp = load_base(model)
    customize_tokenizer(nlp)
    speed_up_pos_rules(nlp)
    add_sentence_rules(nlp)
    add_token_rules(nlp)
    add_entity_rules(nlp)
    for name in MELDUNG_PIPES:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def speed_up_pos_rules(nlp: Language) -> None:
    """Put ``meldung_pos_from_tag`` in the place of the bundled model's ``pos_from_tag``
    attribute ruler: the same UPOS from the same rules, twenty times faster
    (``pipeline/components/pos_from_tag.py``). A ruler with other rules stays."""
    from spacy.pipeline import AttributeRuler

    from .components.pos_from_tag import tag_to_pos_mapping

    if "pos_from_tag" not in nlp.pipe_names or not isinstance(nlp.get_pipe("pos_from_tag"), AttributeRuler):
        return
    mapping = tag_to_pos_mapping(nlp.get_pipe("pos_from_tag"))
    if mapping:
        nlp.replace_pipe("pos_from_tag", "meldung_pos_from_tag", config={"mapping": mapping})


def add_token_rules(nlp: Language) -> None:
    """meldung's corrections of the bundled model's token annotations, as ``load()`` and
    ``meldung evaluate ud`` use them: morphology conventions, the lemma check and noun phrase
    agreement."""
    add_morph_conventions(nlp)
    add_lemma_check(nlp)
    add_morph_agreement(nlp)


def add_morph_conventions(nlp: Language) -> None:
    """Put ``meldung_morph_conventions`` after the bundled model's morphology: features per
    STTS tag in GSD's conventions (``VerbForm=Fin`` on finite verbs, no ``Tense`` on
    participles; held-out GSD dev blocks: morph 74.9 -> 82.0; models/README.md). Only for
    meldung's own model, like the other rules added at load time."""
    if "morphologizer" not in nlp.pipe_names or nlp.meta.get("name") != "meldung":
        return
    from .components import morph_conventions  # noqa: F401  (registers the factory)

    if "meldung_morph_conventions" not in nlp.pipe_names:
        after = "pos_from_tag" if "pos_from_tag" in nlp.pipe_names else "morphologizer"
        nlp.add_pipe("meldung_morph_conventions", after=after)


def add_lemma_check(nlp: Language) -> None:
    """Put ``meldung_lemma_check`` after the bundled model's lookup ``lemmatizer``: it
    replaces edit-tree lemmas that are no German word ("Nachtleb", "saßn") by the lookup
    table's (held-out GSD dev blocks: lemma 94.5 -> 95.8; models/README.md). Like the
    entity rules it is added at load time, not stored in the model folder, and only to
    meldung's own model (de_core_news_sm lemmatises by lookup alone)."""
    if "lemmatizer" not in nlp.pipe_names or nlp.meta.get("name") != "meldung":
        return
    from .components import lemmas  # noqa: F401  (registers the factory)

    if "meldung_lemma_check" not in nlp.pipe_names:
        check = nlp.add_pipe("meldung_lemma_check", after="lemmatizer")
        check.load_table()  # now, so that forked workers share the sets


def add_morph_agreement(nlp: Language) -> None:
    """Put ``meldung_morph_agreement`` after the lemma check: case, gender and number of noun
    phrases from a noun lexicon, the articles and the prepositions (models/README.md, "Noun
    phrase agreement"). It reads UD relations and lemmas, so only meldung's own model gets
    it (de_core_news_sm parses with TIGER labels)."""
    if "parser" not in nlp.pipe_names or nlp.meta.get("name") != "meldung":
        return
    from .components import morph_agreement  # noqa: F401  (registers the factory)

    if "meldung_morph_agreement" not in nlp.pipe_names:
        needed = [name for name in ("parser", "trainable_lemmatizer", "lemmatizer", "meldung_lemma_check")
                  if name in nlp.pipe_names]
        nlp.add_pipe("meldung_morph_agreement", after=max(needed, key=nlp.pipe_names.index))


def add_entity_rules(nlp: Language) -> None:
    """Put meldung's gazetteer before and its entity filter after the bundled model's ``ner``.

    The pair was chosen on the GermEval dev split (models/ner/README.md: +5 F1 over the
    model alone); it is not stored in the model folder, so that plain ``spacy.load``
    works without meldung. Other pipelines (``de_core_news_sm``) are left as they are:
    the rules were tuned for meldung's model, and users add them with
    ``nlp.add_pipe("meldung_gazetteer", before="ner")`` if they want them.
    """
    if "ner" not in nlp.pipe_names or nlp.meta.get("name") != "meldung":
        return
    from .components import entity_ruler  # noqa: F401  (registers the factories)

    if "meldung_gazetteer" not in nlp.pipe_names:
        nlp.add_pipe("meldung_gazetteer", before="ner")
    if "meldung_entity_filter" not in nlp.pipe_names:
        nlp.add_pipe("meldung_entity_filter", after="ner")
