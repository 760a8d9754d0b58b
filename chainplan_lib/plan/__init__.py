"""The plan and its names: canonical chains, areas, indicators and years, the plan's text targets, and the
validation of user parameters against them.

Layer 1 (plan → files → cleaning → analysis → present → publish, with the CLI on top). May import only the
standard library, ``chainplan_lib.errors``, ``chainplan_lib.paths`` and ``chainplan_lib.files`` (which knows
nothing of plans: a plan file is read as every input is, a regular file of bounded size). ``tests/test_layers.py``
enforces this.
"""
