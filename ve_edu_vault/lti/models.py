"""
Tables of the LTI 1.3 tool. Private to ``lti``: other applets call ``lti.api``.

TLDR: a platform registration is (issuer, client id) with its deployments and URLs; the tool signs with
its own key pairs per registration (one active, older ones published in the JWKS until retired); a
resource link binds (deployment, context, resource link) to a vault assessment by id; an LTI user is
(issuer, sub) linked to one account, never matched by e-mail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LtiPlatform(models.Model):
    """
    A platform the tool is registered with (one issuer and client id).

    .. no_pii:
    """

    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True, default="")
    auth_login_url = models.URLField(max_length=1024)  # the platform's OIDC authorization endpoint
    auth_token_url = models.URLField(max_length=1024)  # its OAuth2 token endpoint (client credentials)
    key_set_url = models.URLField(max_length=1024)  # its JWKS
    auth_audience = models.CharField(max_length=1024, blank=True, default="")  # the token's aud if not the URL
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="vault_lti_platform_uniq")]
        verbose_name = "LTI platform"

    def __str__(self) -> str:
        return f"{self.name or self.issuer} ({self.client_id})"


class LtiDeployment(models.Model):
    """
    A deployment id of a platform registration (a platform may deploy the tool several times).

    .. no_pii:
    """

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["platform", "deployment_id"], name="vault_lti_deployment_uniq")]
        verbose_name = "LTI deployment"

    def __str__(self) -> str:
        return f"{self.deployment_id} on {self.platform}"


class LtiToolKey(models.Model):
    """
    One of the tool's RSA key pairs for a registration: the newest active one signs; every unretired one is in the JWKS.

    .. no_pii:
    """

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="tool_keys")
    kid = models.CharField(max_length=64, unique=True)
    private_key_pem = models.TextField()  # never logged, never shown in the admin
    public_jwk = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)  # retired keys leave the JWKS

    class Meta:
        app_label = "ve_edu_vault"
        verbose_name = "LTI tool key"

    def __str__(self) -> str:
        return f"key {self.kid} of {self.platform}"


class LtiResourceLink(models.Model):
    """
    A platform's resource link (within a deployment and context) bound to a vault assessment, with its AGS line item.

    .. no_pii:
    """

    deployment = models.ForeignKey(LtiDeployment, on_delete=models.CASCADE, related_name="resource_links")
    context_id = models.CharField(max_length=255)
    resource_link_id = models.CharField(max_length=255)
    assessment_id = models.BigIntegerField()  # the assessments applet's id (no cross-applet foreign key)
    # Assignment and Grade Services: the line item the scores go to (from the launch or deep linking).
    lineitem_url = models.URLField(max_length=1024, blank=True, default="")
    lineitems_url = models.URLField(max_length=1024, blank=True, default="")  # where a line item can be created
    ags_scopes = models.JSONField(default=list, blank=True)  # the scopes the platform's AGS claim offered
    # Names and Role Provisioning Services: the context's membership URL (from the launches' NRPS claim).
    memberships_url = models.URLField(max_length=1024, blank=True, default="")
    created_by = models.CharField(max_length=32, default="command")  # command, deep_linking
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "context_id", "resource_link_id"], name="vault_lti_resource_link_uniq"
            )
        ]
        verbose_name = "LTI resource link"

    def __str__(self) -> str:
        return f"{self.resource_link_id} in {self.context_id} -> assessment {self.assessment_id}"


class LtiUserLink(models.Model):
    """
    An LTI user (``sub`` of an issuer) and the account the tool created for them on their first launch.

    .. pii: links a platform's user id to an account.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    issuer = models.CharField(max_length=255)
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    last_launch = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="vault_lti_user_uniq")]
        verbose_name = "LTI user link"

    def __str__(self) -> str:
        return f"{self.sub} of {self.issuer}"


class LtiScore(models.Model):
    """
    The AGS outbox: a learner's latest score for one resource link's line item, until the platform has it.

    Written by the grade-report drain (``assessments/grades.py`` through ``lti.handlers.AgsScoreSink``) in its
    transaction; sent by ``lti.tasks.deliver_lti_scores``; a failed send waits (``due_at``) with its error.

    .. pii: a learner's score on a platform's line item, with the platform's user id.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    binding = models.ForeignKey(LtiResourceLink, on_delete=models.CASCADE, related_name="scores")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sub = models.CharField(max_length=255)  # the platform's user id (AGS userId)
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    activity_progress = models.CharField(max_length=16)  # Completed, InProgress
    grading_progress = models.CharField(max_length=16)  # FullyGraded
    scored_at = models.DateTimeField()  # the score's timestamp (when the drain handed it over)
    due_at = models.DateTimeField(null=True, blank=True)  # NULL: delivered, nothing to send
    tries = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["binding", "user"], name="vault_lti_score_uniq")]
        indexes = [models.Index(fields=["due_at"], name="vault_lti_score_due")]
        verbose_name = "LTI score (AGS)"

    def __str__(self) -> str:
        return f"{self.score_given}/{self.score_maximum} of {self.sub} on {self.binding_id}"
