"""Shapes of the webhook REST API (responses are built from ``webhooks.data``; bodies are read in the views)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ve_edu_vault.hooks.signals import EVENT_TYPES

EVENT_TYPE_CHOICES = sorted(EVENT_TYPES)


class SubscriptionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    course_key = serializers.CharField(allow_null=True, help_text="None: every course.")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES), help_text="Empty: every event type."
    )
    active = serializers.BooleanField()
    consecutive_failures = serializers.IntegerField()
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField(allow_blank=True)
    previous_secret_expires = serializers.DateTimeField(
        allow_null=True, help_text="Until then deliveries carry a signature with the previous secret too."
    )
    created = serializers.DateTimeField()


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    secret = serializers.CharField(help_text="The signing secret (whsec_...), shown only here.")


class SubscriptionCreateSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(max_length=2000)
    course_key = serializers.CharField(required=False, allow_null=True)
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES), required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)


class SubscriptionUpdateSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(required=False, max_length=2000)
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES), required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)
    active = serializers.BooleanField(required=False, help_text="true enables a disabled subscription again.")


class RotateSerializer(serializers.Serializer[Any]):
    overlap_seconds = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=30 * 86400,
        help_text="Default: VE_EDU_VAULT_WEBHOOK_SECRET_OVERLAP_SECONDS.",
    )


class DeliverySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    subscription_id = serializers.IntegerField()
    event_id = serializers.CharField(help_text="The webhook-id header: the same on every try and replay.")
    event_type = serializers.CharField()
    course_key = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=["pending", "succeeded", "failed"])
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    response_status = serializers.IntegerField(allow_null=True)
    response_body = serializers.CharField(allow_blank=True, help_text="The first 2,000 characters of the answer.")
    error = serializers.CharField(allow_blank=True)
    replays = serializers.IntegerField()
    created = serializers.DateTimeField()


class InboundResultSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["accepted", "duplicate", "ignored"])
    message_id = serializers.CharField()
    type = serializers.CharField()
    outcome = serializers.CharField(allow_blank=True)
