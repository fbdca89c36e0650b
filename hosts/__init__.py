"""
Host projects that load the plugin exactly as edx-platform does, through edx-django-utils.

``hosts.lms`` plays the LMS and ``hosts.cms`` plays Studio; they exist for the tests, the demo and
local development. They are not part of the distribution.
"""
