"""Cleaning: raw inputs (``data/raw``) → tidy, validated tables (``data/processed``), every repair logged.

One subpackage per kind of input: ``targets/`` (the plan's annex table), ``register/`` (enterprise registers,
规上企业名录, with the credit-code check) and ``actuals/`` (the statistics office's 统计月报), each with its
synthetic sample for demos. Layer 3 (plan → files → cleaning → analysis → present → publish): may import
``plan`` and ``files``; never ``analysis``, ``present`` or ``publish`` (cleaning does not compute statistics and
does not draw). ``tests/test_layers.py`` enforces this.
"""
