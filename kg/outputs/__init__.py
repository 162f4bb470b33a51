"""Layer 5, writing what the build delivers: Turtle/N-Triples/JSON-LD and facts.json (export),
the HTML network viewer (viz).
"""
