"""The web app: GOV.UK-style pages over the warehouse, each with a JSON twin and table downloads."""

from bestvalue.web.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
