"""The LMS host: loads the plugin as edx-platform's lms does."""
