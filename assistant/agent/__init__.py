"""LangChain tools, the tool-choosing loop, grounding and citation checks, chat state."""
