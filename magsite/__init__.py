"""magsite: a static site generator for defense and national-security news magazines."""

__version__ = "0.1.0"
