"""Model adapters behind small Protocols; see base.py, registry.py and provider.py."""
