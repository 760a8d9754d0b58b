"""Reporting: figures → what people read. Tables with units, charts, fonts, HTML/PDF rendering, the
briefing's building blocks, what notebooks load, and the yearly batch that runs it all.

Layer 4 of 4: may import every layer below (``plan``, ``cleaning``, ``analysis``); only ``cli`` imports it.
``tests/test_layers.py`` enforces this.
"""
