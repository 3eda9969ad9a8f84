"""The page cache: whole anonymous reader responses, answered before Django runs.

- ``keys``: what a response depends on (collected while Django renders it)
  and what a change purges; apps register their models' keys.
- ``store``: the per-process memory, bounded, least recently used out first.
- ``coherence``: the shared purge log every process polls (the database, or
  Redis when ``REDIS_URL`` is set), so a purge anywhere reaches every process.
- ``compression``: gzip and brotli, negotiated with ``Accept-Encoding``.
- ``wsgi``: ``PageCacheApp``, the thin layer ``broadsheet.wsgi`` puts around
  Django.
- ``invalidation``: model signals turned into purges, after the commit.
"""
