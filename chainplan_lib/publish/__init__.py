"""Publish: executed notebooks → what people receive. The batch (``chainplan brief``), kernels, the
output formats (pages for policy staff and analysts, the briefing as PDF and Word), the offline site and the
manifest.

Layer 6: may import every layer below; only ``cli`` imports it. ``tests/test_layers.py`` enforces this.
"""
