"""Per-modality search, fusion, filters, clip assembly, and a LangChain retriever."""
