"""
Stand-in of ``xmodule/modulestore/django.py`` (openedx-platform master).

Copied from upstream: ``SwitchedSignal`` (a Django signal that can be switched off; ``send`` and
``send_robust`` do nothing while off), ``SignalHandler`` with its class-level signals
(``pre_publish``, ``course_published``, ``course_deleted``, ``library_updated``, ``item_deleted``),
``SignalHandler.send(signal_name, **kwargs)`` calling ``send_robust(sender=self.modulestore_class, ...)``,
the module-level aliases made by ``globals().update(...)`` (``COURSE_PUBLISHED`` ...), ``modulestore()``
and ``clear_existing_modulestores()``.

The store itself is a small in-memory stand-in of the split modulestore behind ``MixedModuleStore``:
``has_course(course_id, ignore_case=False, **kwargs)``, ``get_course(course_key, depth=0, **kwargs)``,
``get_item(usage_key, depth=0, **kwargs)`` and the ``branch_setting(branch_setting, course_id=None)``
context manager (xmodule/modulestore/mixed.py, xmodule/modulestore/draft_and_published.py).
``get_item`` constructs a block from its XBlock class in a runtime whose ``publish`` goes to its
``publish`` service, as the LMS's modulestore runtime hands events to the service
``prepare_runtime_for_user`` installed (``xmodule/x_module.py``). As in split, blocks read on the published branch carry
locations whose course key has the branch and the structure version (``...+branch@published-branch
+version@<id>``), the course block has ``course_version`` and ``subtree_edited_on``, and a publish
sends ``course_published`` with ``course_key=course_id.for_branch(None)`` once the bulk operation ends
(xmodule/modulestore/__init__.py, ``send_bulk_published_signal``).
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import django.dispatch
from bson import ObjectId
from opaque_keys.edx.locator import BlockUsageLocator
from xblock.core import XBlock
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData, MemoryIdManager, Runtime

from xmodule.modulestore import ModuleStoreEnum
from xmodule.modulestore.exceptions import ItemNotFoundError

log = logging.getLogger(__name__)


class SwitchedSignal(django.dispatch.Signal):
    """A normal Django signal, except that you can turn it on and off."""

    def __init__(self, name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name
        self._allow_signals = True

    def disable(self) -> None:
        self._allow_signals = False

    def enable(self) -> None:
        self._allow_signals = True

    @contextmanager
    def for_state(self, *, is_enabled: bool) -> Iterator[None]:
        old_state = self._allow_signals
        try:
            self._allow_signals = is_enabled
            yield
        finally:
            self._allow_signals = old_state

    def send(self, *args: Any, **kwargs: Any) -> Any:
        if self._allow_signals:
            return super().send(*args, **kwargs)
        return []

    def send_robust(self, *args: Any, **kwargs: Any) -> Any:
        if self._allow_signals:
            return super().send_robust(*args, **kwargs)
        return []

    def __repr__(self) -> str:
        return f"SwitchedSignal('{self.name}')"


class SignalHandler:
    """Lets the modulestores emit signals that other parts of the Django application catch."""

    pre_publish = SwitchedSignal("pre_publish")
    course_published = SwitchedSignal("course_published")
    course_deleted = SwitchedSignal("course_deleted")
    library_updated = SwitchedSignal("library_updated")
    item_deleted = SwitchedSignal("item_deleted")

    _mapping = {
        signal.name: signal for signal in [pre_publish, course_published, course_deleted, library_updated, item_deleted]
    }

    def __init__(self, modulestore_class: type) -> None:
        self.modulestore_class = modulestore_class

    @classmethod
    def all_signals(cls) -> Any:
        return cls._mapping.values()

    @classmethod
    def signal_by_name(cls, signal_name: str) -> SwitchedSignal:
        return cls._mapping[signal_name]

    def send(self, signal_name: str, **kwargs: Any) -> None:
        signal = self._mapping[signal_name]
        responses = signal.send_robust(sender=self.modulestore_class, **kwargs)
        for receiver, response in responses:
            log.info("Sent %s signal to %s with kwargs %s. Response was: %s", signal_name, receiver, kwargs, response)


# to allow easy imports
globals().update({sig.name.upper(): sig for sig in SignalHandler.all_signals()})


# Stand-in only: blocks and the in-memory store ------------------------------------------------------


class StandinBlock:
    """The fields of an XBlock that the vault reads from an outline block."""

    def __init__(self, location: BlockUsageLocator, *, display_name: str | None = None, **fields: Any) -> None:
        self.location = location
        self.display_name = display_name
        self.children: list[StandinBlock] = []
        self.graded = fields.pop("graded", False)
        self.format = fields.pop("format", None)
        self.start = fields.pop("start", None)
        self.due = fields.pop("due", None)
        self.visible_to_staff_only = fields.pop("visible_to_staff_only", False)
        self.hide_after_due = fields.pop("hide_after_due", False)
        self.course_version: ObjectId | None = None
        self.subtree_edited_on: datetime | None = None
        for name, value in fields.items():
            setattr(self, name, value)

    @property
    def has_children(self) -> bool:
        return self.location.block_type in ("course", "chapter", "sequential", "vertical")

    @property
    def display_name_with_default(self) -> str:
        return self.display_name or self.location.block_id.replace("_", " ")

    def get_children(self) -> list[StandinBlock]:
        return list(self.children)

    def add(self, block_type: str, block_id: str, **fields: Any) -> StandinBlock:
        child = StandinBlock(self.location.course_key.make_usage_key(block_type, block_id), **fields)
        self.children.append(child)
        return child


class ModuleStoreRuntime(Runtime):
    """The runtime ``get_item`` builds XBlocks in; ``publish`` goes to the ``publish`` service the LMS installs."""

    def __init__(self) -> None:
        ids = MemoryIdManager()
        super().__init__(id_reader=ids, id_generator=ids, services={"field-data": KvsFieldData(DictKeyValueStore())})

    def handler_url(
        self, block: Any, handler_name: str, suffix: str = "", query: str = "", thirdparty: bool = False
    ) -> str:
        return f"/handler/{block.scope_ids.usage_id}/{handler_name}/{suffix}"

    def resource_url(self, resource: str) -> str:
        raise NotImplementedError

    def local_resource_url(self, block: Any, uri: str) -> str:
        return f"/resource/{block.scope_ids.block_type}/{uri}"

    def publish(self, block: Any, event_type: str, event_data: dict[str, Any]) -> None:
        self._services["publish"].publish(block, event_type, event_data)


class StandinModuleStore:
    """The split modulestore behind MixedModuleStore, reduced to a draft and a published tree per course."""

    def __init__(self) -> None:
        self._draft: dict[str, StandinBlock] = {}
        self._published: dict[str, StandinBlock] = {}
        self.blocks: dict[Any, dict[str, Any]] = {}  # XBlocks get_item builds: usage key -> field values
        self.thread_cache = threading.local()
        self.signal_handler = SignalHandler(type(self))

    def get_branch_setting(self, course_id: Any = None) -> str:
        return getattr(self.thread_cache, "branch_setting", None) or ModuleStoreEnum.Branch.published_only

    @contextmanager
    def branch_setting(self, branch_setting: str, course_id: Any = None) -> Iterator[None]:
        previous = getattr(self.thread_cache, "branch_setting", None)
        try:
            self.thread_cache.branch_setting = branch_setting
            yield
        finally:
            self.thread_cache.branch_setting = previous

    def has_course(self, course_id: Any, ignore_case: bool = False, **kwargs: Any) -> Any:
        """Returns the course_id of the course if it was found, else None."""
        return course_id if str(course_id.for_branch(None)) in self._draft else None

    def get_course(self, course_key: Any, depth: int | None = 0, **kwargs: Any) -> StandinBlock | None:
        key = str(course_key.for_branch(None))
        if self.get_branch_setting() == ModuleStoreEnum.Branch.published_only:
            return self._published.get(key)
        return self._draft.get(key)

    def get_item(self, usage_key: Any, depth: int | None = 0, **kwargs: Any) -> Any:
        """The block at ``usage_key``, built from its XBlock class with the fields ``add_block`` gave it."""
        if usage_key not in self.blocks:
            raise ItemNotFoundError(usage_key)
        runtime = ModuleStoreRuntime()
        cls = XBlock.load_class(usage_key.block_type)
        scope_ids = ScopeIds(None, usage_key.block_type, usage_key, usage_key)
        block = runtime.construct_xblock_from_class(cls, scope_ids)
        for name, value in self.blocks[usage_key].items():
            setattr(block, name, value)
        return block

    # Stand-in only: what Studio does.

    def add_block(self, usage_key: Any, **fields: Any) -> None:
        """An XBlock (of any installed type) that ``get_item`` builds, with these field values."""
        self.blocks[usage_key] = fields

    def create_course(self, course_key: Any, display_name: str) -> StandinBlock:
        course = StandinBlock(course_key.make_usage_key("course", "course"), display_name=display_name)
        self._draft[str(course_key)] = course
        return course

    def publish(self, course_key: Any, *, edited_on: datetime | None = None) -> ObjectId:
        """Copy the draft tree to the published branch (new structure version), then send course_published."""
        version = ObjectId()
        published_key = course_key.for_branch(ModuleStoreEnum.BranchName.published).for_version(version)
        tree = copy.deepcopy(self._draft[str(course_key)])

        def relocate(block: StandinBlock) -> None:
            block.location = BlockUsageLocator(published_key, block.location.block_type, block.location.block_id)
            for child in block.children:
                relocate(child)

        relocate(tree)
        tree.course_version = version
        tree.subtree_edited_on = edited_on or datetime.now(UTC)
        self._published[str(course_key)] = tree
        # We remove the branch, because publishing always means copying from draft to published.
        self.signal_handler.send("course_published", course_key=course_key.for_branch(None))
        return version


# A singleton instance of the Mixed Modulestore
_MIXED_MODULESTORE: StandinModuleStore | None = None


def modulestore() -> StandinModuleStore:
    """Returns the Mixed modulestore."""
    global _MIXED_MODULESTORE
    if _MIXED_MODULESTORE is None:
        _MIXED_MODULESTORE = StandinModuleStore()
    return _MIXED_MODULESTORE


def clear_existing_modulestores() -> None:
    """Clear the existing modulestore instances, causing them to be re-created when accessed again."""
    global _MIXED_MODULESTORE
    _MIXED_MODULESTORE = None
