"""Platform backends. Each module implements every function of ``backends.base.PlatformBackend``."""
