"""Extension attributes meldung puts on every Doc before its pipeline runs.

They carry the report's metadata into the components (the dates component needs
the publication date to resolve "am Freitag"). Values are plain str/None so they
survive ``Doc.to_bytes`` between processes (``--n-process``).
"""

from __future__ import annotations

from spacy.tokens import Doc

DOC_EXTENSIONS = {
    "doc_id": None,  # the report's doc_id
    "published": None,  # ISO date string (YYYY-MM-DD) of publication, or None
    "dateline_place": None,  # place(s) of the dateline as written
    "meldung_errors": None,  # list of [stage, message] recorded by meldung's components
}


def register() -> None:
    """Register the Doc extensions (idempotent)."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register()
