"""Layer 2, reading text: file -> Source (ingest) -> CleanText (clean) -> Reports (segment).
Imports kg.core only.
"""
