"""Pictures inside a post's text: uploaded through cblog.images, inserted as Markdown."""
