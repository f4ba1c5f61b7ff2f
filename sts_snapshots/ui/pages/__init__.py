"""One module per page (or per group of routes), each with a ``register(sts)`` that adds its routes."""
