"""Multilingual search over a division table: analysis, concepts, the index and its cache."""
