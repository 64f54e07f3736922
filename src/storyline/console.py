"""Entry point of the ``storyline`` console script, free of imports on purpose.

Enrichment and ingest workers are spawned processes, and a spawned process first re-imports its parent's
main module, here the console script, which imports this module. Were that :mod:`storyline.cli`, every
worker would import the whole pipeline (scikit-learn, SciPy, ~1.6 s) before its first article.
"""

from __future__ import annotations


def main() -> None:
    from storyline.cli import main as run

    run()
