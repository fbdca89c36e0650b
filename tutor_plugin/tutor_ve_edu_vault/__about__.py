"""Version of the Tutor plugin; it is also the ve-edu-vault release installed by default."""

__version__ = "0.1.0"
