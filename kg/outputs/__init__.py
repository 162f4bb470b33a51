"""Layer 5, writing what the build delivers: one reading of the graph (reader), Turtle/N-Triples/
JSON-LD and facts.json (export), and the HTML network viewer (network → layout → viz).
"""
