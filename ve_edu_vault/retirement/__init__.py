"""
Learner retirement: what the vault keeps and removes when the platform retires an account.

TLDR: the platform's retirement signals (through the platform adapter) call ``api.retire_learner``,
which asks each applet to remove what profiles the learner, keeps the attempts item statistics are
made of, and writes an audit record. docs/decisions/0013-learner-retirement.rst.
"""
