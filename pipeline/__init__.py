"""meldung: German news agency reports in, structured tables out.

The package is called ``pipeline`` (``import pipeline``); the command is ``meldung``.
"""

__version__ = "0.1.0"
