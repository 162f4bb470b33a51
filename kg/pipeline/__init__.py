"""Layer 6, the build: named stages over frozen records, the incremental cache, the cross-report
bureau linker. ``kg.pipeline.build.build`` is the entry point.
"""
