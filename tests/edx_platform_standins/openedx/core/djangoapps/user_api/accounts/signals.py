"""
Stand-in of ``openedx/core/djangoapps/user_api/accounts/signals.py`` (openedx-platform master): the same three signals.

Senders upstream (openedx/core/djangoapps/user_api/accounts/views.py): ``LMSAccountRetirementView.post``
sends ``USER_RETIRE_LMS_MISC(sender, user)`` and ``USER_RETIRE_MAILINGS(sender, email, new_email, user)``;
``AccountRetirementView.post`` sends ``USER_RETIRE_LMS_CRITICAL(sender, user, retired_username,
retired_email)`` before it replaces the user's username and email.
"""

from django.dispatch import Signal

# Signal to retire a user from LMS-initiated mailings (course mailings, etc)
# providing_args=["user"]
USER_RETIRE_MAILINGS = Signal()

# Signal to retire LMS critical information
# providing_args=["user", "retired_username", "retired_email"]
USER_RETIRE_LMS_CRITICAL = Signal()

# Signal to retire LMS misc information
# providing_args=["user"]
USER_RETIRE_LMS_MISC = Signal()
