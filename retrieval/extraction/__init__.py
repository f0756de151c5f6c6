"""Quotes and their speakers, found once at ingest.

`marks` pairs quote marks, `frames` is the read-only view of one parse, `attribution/` holds
the rules that tie a statement to its cue and speaker, `extractor` runs the passes.
"""
