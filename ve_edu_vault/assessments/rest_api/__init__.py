"""REST API of assessments: authoring in Studio, taking them in the LMS."""
