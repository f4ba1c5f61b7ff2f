"""Generation and API metrics: recorded cheaply, kept in hourly files, summarised and exposed to Prometheus.

``records`` (the metric records), ``hourly`` (their store, one file per hour part), ``recorder`` (the
in-memory buffer the app writes to), ``summary`` (the admin summary) and ``prometheus`` (``GET /metrics``).
"""
