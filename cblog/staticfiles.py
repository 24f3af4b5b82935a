from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed files with hashed names, each URL worked out once per storage.

    The manifest is read once, so a file's URL never changes while the storage lives (a change to
    STORAGES or STATIC_URL makes a new one), and working it out cost more than the tag that prints
    it: the layout links six on every page.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls = {}

    def url(self, name, force=False):
        key = (name, force)
        if key not in self.urls:
            self.urls[key] = super().url(name, force)
        return self.urls[key]
