"""
Choosing an outline source by name or setting, and mapping source errors to the plugin's errors.

Names: ``modulestore`` (the platform adapter: Studio's published branch, or the standalone
stand-in), ``blocks_api`` (LMS Course Blocks REST API, settings give URL and OAuth2 client), and
``olx`` (a course export directory or .tar.gz; needs a path).
"""

from __future__ import annotations

from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import conf
from ve_edu_vault.course_sync.data import CourseOutline
from ve_edu_vault.course_sync.sources import (
    BlocksApiOutlineSource,
    CourseMismatchError,
    CourseNotFoundError,
    OlxOutlineSource,
    OutlineSource,
    OutlineSourceError,
    SourceAuthError,
    SourceUnavailableError,
)
from ve_edu_vault.errors import NotFoundError, ValidationError, VaultError
from ve_edu_vault.olx.errors import OlxError, OlxNotFoundError
from ve_edu_vault.platform import api as platform

SOURCE_NAMES = ("modulestore", "blocks_api", "olx")


class ModulestoreOutlineSource:
    """The platform's content store, through the platform adapter."""

    name = "modulestore"

    def read(self, course_key: CourseKey) -> CourseOutline:
        return platform.read_published_outline(course_key)


class SourceUnavailable(VaultError):
    code = "source_unavailable"
    http_status = 503


class SourceAuthFailed(VaultError):
    code = "source_auth_failed"
    http_status = 502


def get_source(name: str | None = None, *, path: str | None = None) -> OutlineSource:
    name = name or conf.outline_source()
    if name == "olx":
        if not path:
            raise ValidationError("The OLX source needs the path of a course export.", field="path")
        return OlxOutlineSource(path)
    if name == "blocks_api":
        for setting in (
            "VE_EDU_VAULT_BLOCKS_API_URL",
            "VE_EDU_VAULT_BLOCKS_API_CLIENT_ID",
            "VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET",
        ):
            if not conf.get(setting):
                raise ValidationError(f"The blocks_api source needs the setting {setting}.", field="source")
        return BlocksApiOutlineSource(
            conf.get("VE_EDU_VAULT_BLOCKS_API_URL"),
            conf.get("VE_EDU_VAULT_BLOCKS_API_CLIENT_ID"),
            conf.get("VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET"),
        )
    if name == "modulestore":
        return ModulestoreOutlineSource()
    raise ValidationError(
        f"Unknown outline source {name!r}; expected one of {', '.join(SOURCE_NAMES)}.", field="source"
    )


def as_vault_error(exc: Exception) -> VaultError:
    """The plugin error for an outline source's failure (OLX errors included)."""
    if isinstance(exc, VaultError):
        return exc
    if isinstance(exc, CourseMismatchError):
        return ValidationError(str(exc), field="course_key")
    if isinstance(exc, CourseNotFoundError | OlxNotFoundError):
        return NotFoundError(str(exc))
    if isinstance(exc, SourceUnavailableError):
        return SourceUnavailable(str(exc))
    if isinstance(exc, SourceAuthError):
        return SourceAuthFailed(str(exc))
    if isinstance(exc, OutlineSourceError | OlxError):
        return ValidationError(str(exc))
    return VaultError(str(exc))
