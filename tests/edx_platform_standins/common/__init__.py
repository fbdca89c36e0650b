"""Stand-in package (tests/edx_platform_standins/README.rst)."""
