"""Layer 0, the floor: settings, coded errors, frozen records, the rules loader, shared
character tables and factories, the atomic writer. Imports nothing else from kg.
"""
