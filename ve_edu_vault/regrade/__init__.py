"""Bulk regrade: apply a corrected question version to every response already graded, with a dry run first."""
