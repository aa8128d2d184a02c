"""The HTTP API (FastAPI) served beside the app, behind the same wall and sign-in."""
