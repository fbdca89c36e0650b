"""Django 4.2's SQLite engine with immediate transactions and WAL (Django 5.1+ use OPTIONS; see ``hosts.sqlite``)."""
