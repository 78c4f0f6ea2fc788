"""Checkers, one module per topic, named like its spec file in specs/."""
