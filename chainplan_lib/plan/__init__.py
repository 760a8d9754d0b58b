"""The plan and its names: canonical chains, areas, indicators and years, the plan's text targets, and the
validation of user parameters against them.

Layer 1 of 4 (plan → cleaning → analysis → reporting, with the CLI on top). May import only the standard
library, ``chainplan_lib.errors`` and ``chainplan_lib.paths``: everything else depends on it, it depends on
nothing of ours. ``tests/test_layers.py`` enforces this.
"""
