"""``python -m pipeline.cli`` runs the ``meldung`` command."""

from . import main

main()
