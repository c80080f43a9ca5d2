"""The example app hooks.example.toml schedules: small functions that run anywhere."""
