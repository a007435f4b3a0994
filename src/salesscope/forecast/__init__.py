"""Forecast and plan: where the coming periods will land, and what it takes to hit a target."""

from salesscope.forecast.api import forecast
from salesscope.forecast.plan import Plan, plan

__all__ = ["Plan", "forecast", "plan"]
