#!/usr/bin/env python
"""
Run a management command in the LMS or the Studio host, the way edx-platform's manage.py does.

    ./manage.py lms migrate
    ./manage.py cms shell
    ./manage.py lms --settings=test_settings check

The first argument names the service; ``--settings`` names a module under ``hosts.<service>``
(or, with dots, any settings module).
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("lms", "cms"):
        sys.stderr.write("usage: ./manage.py {lms|cms} [--settings=NAME] COMMAND [ARGS...]\n")
        sys.exit(2)
    service = sys.argv[1]
    args = [sys.argv[0], *sys.argv[2:]]
    settings_name = "settings"
    for index, arg in enumerate(list(args)):
        if arg.startswith("--settings="):
            settings_name = arg.split("=", 1)[1]
            del args[index]
            break
    # A bare name is a module of the host; a dotted path is used as it is (e.g. rendered Tutor settings).
    module = settings_name if "." in settings_name else f"hosts.{service}.{settings_name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = module
    os.environ.setdefault("SERVICE_VARIANT", service)

    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
