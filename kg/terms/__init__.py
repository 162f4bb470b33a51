"""Layer 1, the ontology seen from Python: namespaces, the taxonomy model, triple I/O.
Imports only kg.core.
"""
