"""
The vault assessment XBlock (block type ``ve_vault_assessment``, entry point ``xblock.v1``).

TLDR: authors add it to a unit (Studio's Advanced module list names ``ve_vault_assessment``) and, in its
editor, pick a vault assessment of the course or create one bound to this block (``assessments.api.bind_block``,
keyed by the block's usage key). Learners take the assessment inline: the same markup and script as the
plugin's take page, over the same REST API with the LMS session. The block is scorable (``has_score``,
``weight``, ``max_score()``); its grade is published as the standard ``grade`` event from the grade outbox
(``assessments/grades.py``), with the block loaded for the learner through the platform adapter.
See docs/decisions/0003-grades-to-the-platform.rst and 0008-vault-assessment-xblock.rst.
"""
