"""chainplan: Qingshanhu District industrial-chain plan as checked numbers."""

__version__ = "0.1.0"
