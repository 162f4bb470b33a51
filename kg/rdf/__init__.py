"""Layer 4, records -> RDF: one report's triples (graph) and SHACL validation (validate).
Never imports spaCy or the text and extraction layers.
"""
