"""Settings for Booster: ``base`` is shared; ``dev``, ``test`` and ``prod`` adjust it."""
