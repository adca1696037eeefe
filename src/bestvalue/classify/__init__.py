"""Spend classification: a ProClass v17 category, IT or not, a confidence and a reason for every spend row."""
