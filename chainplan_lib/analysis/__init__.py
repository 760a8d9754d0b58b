"""Analysis: tidy tables → figures. Growth and projections, the ~10 % consistency test, area shares and
concentration, textile size bands, register actuals against targets, monthly progress and its estimates.

Pure functions from DataFrame to DataFrame (or small result objects with a ``summary()`` that keep ``.plan``).
Layer 4: may import ``plan``, ``files`` and ``cleaning`` (schemas and loaders); never ``present`` or ``publish``,
and never draws (no matplotlib). ``tests/test_layers.py`` enforces this.
"""
