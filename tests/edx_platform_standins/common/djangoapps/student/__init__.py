"""Stand-in of edx-platform's student app (tests/edx_platform_standins/README.rst)."""
