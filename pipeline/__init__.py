"""Exercise pipeline: raw exercise texts in, a traceable exercise dataset out."""

__version__ = "0.1.0"
