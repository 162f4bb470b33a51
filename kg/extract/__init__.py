"""Layer 3, extraction: one Report in, one ReportFacts out (report), over the issuer (bureau),
initiatives and metrics; the tokenizer (nlp). Only this layer loads spaCy or jieba, and the spaCy
Doc never leaves it.
"""
