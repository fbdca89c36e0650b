"""URL patterns of webhooks (REST, under the API prefix; served by both hosts, which share the database)."""

from __future__ import annotations

from django.urls import URLPattern, path

from ve_edu_vault.rest_api import API_PREFIX
from ve_edu_vault.webhooks.rest_api.v1 import views

_S = f"{API_PREFIX}webhooks/subscriptions/"
_D = f"{_S}<vault_id:subscription_id>/deliveries/"
urlpatterns: list[URLPattern] = [
    path(f"{API_PREFIX}webhooks/inbound/", views.InboundView.as_view(), name="webhook-inbound"),
    path(_S, views.SubscriptionListView.as_view(), name="webhook-subscriptions"),
    path(f"{_S}<vault_id:subscription_id>/", views.SubscriptionDetailView.as_view(), name="webhook-subscription"),
    path(
        f"{_S}<vault_id:subscription_id>/rotate-secret/",
        views.RotateSecretView.as_view(),
        name="webhook-subscription-rotate-secret",
    ),
    path(_D, views.DeliveryListView.as_view(), name="webhook-deliveries"),
    path(f"{_D}<vault_id:delivery_id>/", views.DeliveryDetailView.as_view(), name="webhook-delivery"),
    path(f"{_D}<vault_id:delivery_id>/replay/", views.ReplayView.as_view(), name="webhook-delivery-replay"),
]
