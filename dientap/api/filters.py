"""Filtering: references are filtered by id without revealing whether a hidden id exists."""

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend

MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    field_class = IdField


class FilterSet(django_filters.FilterSet):
    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.ManyToManyField: {"filter_class": IdFilter, "extra": lambda f: {"distinct": True}},
    }


class FilterBackend(DjangoFilterBackend):
    filterset_base = FilterSet
