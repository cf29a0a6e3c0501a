"""The scan on a Dask cluster (dask.distributed): the same pipeline as a local scan,
its parallel stages (fingerprints, the rewrite tier's bound and verification, the
ledgers) run by the cluster's workers. The only place that imports dask and
distributed; ``dedup.pipeline`` (and ``index.indexer``) load it when a run names a
scheduler, so a plain scan never imports dask.

``errors`` (the failure a scan reports), ``scheduler`` (the argument, read without
dask), ``cluster`` (a client for an address or a local cluster), ``state`` (what the
workers share, through the scratch directory), ``runner`` (the stages' work as Dask
tasks), ``measure`` (bytes moved, worker peaks), ``driver`` (a cluster scan's setting
up and its errors)."""
