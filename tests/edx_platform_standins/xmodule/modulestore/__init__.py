"""
Stand-in of ``xmodule/modulestore/__init__.py`` (openedx-platform master): ``ModuleStoreEnum``, copied.
"""


class ModuleStoreEnum:
    """A class to encapsulate common constants that are used with the various modulestores."""

    class Type:
        split = "split"
        mongo = "mongo"

    class RevisionOption:
        draft_preferred = "rev-opt-draft-preferred"
        draft_only = "rev-opt-draft-only"
        published_only = "rev-opt-published-only"
        all = "rev-opt-all"

    class Branch:
        draft_preferred = "draft-preferred"
        published_only = "published-only"

    class BranchName:
        draft = "draft-branch"
        published = "published-branch"
        library = "library"

    class UserID:
        mgmt_command = -1
        primitive_command = -2
        test = -3
        system = -4
