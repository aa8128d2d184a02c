"""Gradio Blocks only: no logic the CLI or API would need too."""
