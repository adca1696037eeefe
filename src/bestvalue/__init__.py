"""bestvalue: evidence of value for money in UK councils' IT and digital spend."""

__version__ = "0.1.0"
