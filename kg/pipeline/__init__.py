"""Layer 6, the build. ``kg.pipeline.build.build`` is the entry point and reads as the sequence of
its stages; ``stages`` holds the per-file stages over frozen records, ``link`` the cross-report
linker, ``executors`` where work runs (this process, a local pool, Dask), ``cache`` the incremental
reuse, ``assembly`` the output files.
"""
