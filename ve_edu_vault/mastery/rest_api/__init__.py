"""REST API of mastery (LMS): a learner's own progress; per objective and per learner explanations for staff."""
