"""The CMS host: loads the plugin as edx-platform's cms does."""
