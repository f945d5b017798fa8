"""The bundled model's morphology in the conventions of UD German GSD, feature by feature.

The morphologizer learned from GSD and from other data with other conventions, and mixes
them: it leaves ``VerbForm=Fin`` off finite verbs, gives participles ``Tense=Past`` for
GSD's ``VerbForm=Part``, and adverbs ``Degree=Pos`` where GSD has no features. On the
held-out GSD dev blocks a quarter of its morphology errors were of that kind, not one wrong
case or gender. ``meldung_morph_conventions`` applies, per STTS tag, GSD's conventions as
counted in the GSD dev training blocks (``pipeline/data/morph/gsd_conventions.json``,
written by ``python models/train.py conventions``): features the tag always has are added
where missing (``add``), features the tag never has are dropped (everything not in
``keep``). Case, gender, number, person, mood and tense stay the model's.

``pipeline.load()`` adds it after the bundled model's ``pos_from_tag`` (or morphologizer);
other pipelines (de_core_news_sm: TIGER-derived features) are left alone. Measured in
models/README.md, "Morphology conventions".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from spacy.attrs import MORPH, TAG
from spacy.language import Language
from spacy.tokens import Doc

from ._tokens import morph_features, set_morphs

DEFAULT_TABLE = Path(__file__).resolve().parent.parent / "data" / "morph" / "gsd_conventions.json"
TABLE_FILE = "gsd_conventions.json"
#: tags too rare in the GSD dev training blocks to have their own entry (fewer than 20
#: tokens), and the tag whose conventions they share: "worden" is a participle as
#: "gesagt" is (GSD: ``VerbForm=Part``, no ``Tense``)
SAME_AS = {"VAPP": "VVPP", "VMPP": "VVPP"}
#: (tag, morph) pairs cached before the cache is emptied (a long run meets a few thousand)
_MAX_PAIRS = 100_000


class MorphConventions:
    """Adds and drops morphological features per STTS tag (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "meldung_morph_conventions",
                 table: dict[str, dict] | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.table = table if table is not None else load_table(DEFAULT_TABLE)
        self._cache: dict[tuple[int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc) or not self.table:
            return doc
        array = doc.to_array([TAG, MORPH])
        tags, morphs = array.T.tolist()
        set_morphs(doc, array[:, 1], self._converted(tags, morphs))
        return doc

    def _converted(self, tags: list[int], morphs: list[int]) -> list[int]:
        """The MORPH key of each token (its TAG and MORPH keys) in the conventions of its
        tag, through a cache (a Doc has few distinct pairs, and the keys are stable
        hashes): one dict lookup per token instead of a method call, the pairs zipped as
        they are looked up (no list of them)."""
        cache = self._cache
        try:
            return list(map(cache.__getitem__, zip(tags, morphs)))
        except KeyError:
            if len(cache) > _MAX_PAIRS:
                cache.clear()
            for tag, morph in set(zip(tags, morphs)).difference(cache):  # filling order does not matter
                cache[(tag, morph)] = self._convert(tag, morph)
            return list(map(cache.__getitem__, zip(tags, morphs)))

    def _convert(self, tag: int, morph: int) -> int:
        name = self.nlp.vocab.strings[tag] if tag else None
        rules = self.table.get(name) if name else None
        if rules is None and name in SAME_AS:
            rules = self.table.get(SAME_AS[name])
        if rules is None:
            return morph
        features = morph_features(self.nlp.vocab, morph)
        kept = {k: v for k, v in features.items() if k in rules["keep"]}
        for k, v in rules["add"].items():
            kept.setdefault(k, v)
        if kept == features:
            return morph
        text = "|".join(f"{k}={v}" for k, v in sorted(kept.items()))
        return self.nlp.vocab.morphology.add(text)  # "" is the empty analysis

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / TABLE_FILE).write_text(json.dumps(self.table, indent=1, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "MorphConventions":
        self.table = load_table(Path(path) / TABLE_FILE)
        self._cache.clear()
        return self


def load_table(path: Path) -> dict[str, dict]:
    """{STTS tag: {"add": {feature: value}, "keep": [feature, ...]}}."""
    return json.loads(path.read_text(encoding="utf-8"))


@Language.factory("meldung_morph_conventions", requires=["token.tag", "token.morph"], assigns=["token.morph"])
def make_morph_conventions(nlp: Language, name: str) -> MorphConventions:
    return MorphConventions(nlp, name)
