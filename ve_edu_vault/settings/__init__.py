"""Plugin settings injected into the LMS and Studio by edx-django-utils (``plugin_settings``)."""
