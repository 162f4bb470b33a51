"""Layer 0, the floor: settings, coded errors, frozen records, the rules loader, shared
character tables and factories, the atomic writer, a pause of the cyclic GC for bulk builds
(``bulk``). Imports nothing else from kg.
"""
