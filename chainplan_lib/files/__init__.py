"""Files as offices send them: listing inputs, decoding text, reading workbooks, neutralising cells for
spreadsheets, and writing outputs atomically — each once, for every cleaner.

Layer 2 (plan → files → cleaning → analysis → present → publish, with the CLI on top). May import only the
standard library, third-party packages, ``chainplan_lib.errors`` and ``chainplan_lib.paths``.
"""
