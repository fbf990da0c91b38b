"""The knowledge base: guides, situations, materials, themes, halls, and the editors' workflow."""
