"""
Stand-in of openedx-platform ``xmodule/modulestore/django.py``: ``modulestore()`` and its ``get_item``.

Blocks are constructed from their XBlock class in a runtime whose ``publish`` goes to its ``publish`` service, as
the LMS's modulestore runtime hands events to the service ``prepare_runtime_for_user`` installed
(``xmodule/x_module.py``). Tests add blocks with ``add_block`` (not upstream).
"""

from __future__ import annotations

from typing import Any

from xblock.core import XBlock
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData, MemoryIdManager, Runtime

from .exceptions import ItemNotFoundError


class ModuleStoreRuntime(Runtime):
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


class _ModuleStore:
    def __init__(self) -> None:
        self.blocks: dict[Any, dict[str, Any]] = {}

    def add_block(self, usage_key: Any, **fields: Any) -> None:
        self.blocks[usage_key] = fields

    def get_item(self, usage_key: Any, depth: int | None = 0, **kwargs: Any) -> Any:
        if usage_key not in self.blocks:
            raise ItemNotFoundError(usage_key)
        runtime = ModuleStoreRuntime()
        cls = XBlock.load_class(usage_key.block_type)
        scope_ids = ScopeIds(None, usage_key.block_type, usage_key, usage_key)
        block = runtime.construct_xblock_from_class(cls, scope_ids)
        for name, value in self.blocks[usage_key].items():
            setattr(block, name, value)
        return block


_STORE = _ModuleStore()


def modulestore() -> _ModuleStore:
    return _STORE
