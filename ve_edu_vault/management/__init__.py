"""Django management commands of the plugin (run as ``./manage.py cms COMMAND``)."""
