from tests.progress.conftest import NOW, frozen  # noqa: F401 - the same frozen clock
