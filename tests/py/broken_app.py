"""A module whose import fails, as an app with a bad deploy would."""
raise RuntimeError("the app's settings are missing")
