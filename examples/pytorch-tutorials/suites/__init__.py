"""Checkers, one module per topic, named like its spec file in specs/; _nets.py holds the tutorials' models."""
