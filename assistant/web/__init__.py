"""Pages and static assets: citizens' guide pages, the editors' console, previews."""
