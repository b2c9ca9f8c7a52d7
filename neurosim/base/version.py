"""The package version, in the base layer so that every layer (the CLI included) can read it."""

__version__ = "0.1.0"
