"""Cleaning: raw inputs (``data/raw``) → tidy, validated tables (``data/processed``), every repair logged.

The target table (Attachment 2), enterprise registers (规上企业名录) with their credit-code check, and the
synthetic samples used for demos. Layer 2 of 4: may import ``plan``, ``errors`` and ``paths``; never
``analysis`` or ``reporting`` (cleaning does not compute statistics and does not draw).
``tests/test_layers.py`` enforces this.
"""
