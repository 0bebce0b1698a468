#!/usr/bin/env python
"""Django's manage.py; the ``meldpunt`` console script does the same and more."""
import sys

from meldpunt.cli import main

if __name__ == "__main__":
    sys.exit(main(["manage", *sys.argv[1:]]))
