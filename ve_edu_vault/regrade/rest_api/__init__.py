"""REST API of bulk regrades (Studio, course staff)."""
