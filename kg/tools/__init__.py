"""Layer 7, the tools that read a build's outputs: query, serve, inspect, suggest, evaluate.
"""
