"""meldung: German news agency reports in, structured tables out.

The package is called ``pipeline`` (``import pipeline``); the command is ``meldung``.

- :func:`load` - the German spaCy pipeline with meldung's components
- :func:`analyze` - texts or files -> one DataFrame per table
- :func:`iter_rows` - the same, streamed one document at a time
- :func:`read` - the tables of a written run
"""

__version__ = "0.1.0"

from .api import Tables, analyze, iter_rows, read  # noqa: E402
from .nlp import load  # noqa: E402
from .tables.schema import TABLE_NAMES  # noqa: E402

__all__ = ["Tables", "TABLE_NAMES", "analyze", "iter_rows", "load", "read", "__version__"]
