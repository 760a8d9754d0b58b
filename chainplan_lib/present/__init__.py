"""What notebooks show: one module per topic (targets, growth, consistency, shares, register, progress,
briefing) over a small core of units, tables, figures and theme. Never starts a process.

Layer 5 (plan → files → cleaning → analysis → present → publish, with the CLI on top). May import plan, files,
cleaning and analysis.
"""
