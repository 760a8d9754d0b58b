"""Analysis: tidy tables → figures. Growth and projections, the ~10 % consistency test, area shares and
concentration, textile size bands, register actuals against targets.

Pure functions from DataFrame to DataFrame (or small result objects with a ``summary()``). Layer 3 of 4:
may import ``plan``, ``cleaning`` (schemas and loaders), ``errors`` and ``paths``; never ``reporting``,
and never draws (no matplotlib). ``tests/test_layers.py`` enforces this.
"""
