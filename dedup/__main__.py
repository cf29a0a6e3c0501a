"""``python -m dedup``: the ``dedup`` command."""

from dedup.cli.app import main

main()
