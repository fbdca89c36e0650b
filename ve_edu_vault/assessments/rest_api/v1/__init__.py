"""
Assessments REST API, version 1.

TLDR: ``authoring_views`` are Studio endpoints for course staff (``urls_cms``); ``learner_views``
are LMS endpoints for enrolled learners and for staff acting for a learner (``urls_lms``). Views
call only ``assessments.api`` and dump its frozen learner views as they are: the api never puts a
key, an explanation or an unreleased hint in them.
"""
