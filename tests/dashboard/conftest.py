from tests.progress.conftest import NOW, frozen  # noqa: F401 - the same frozen day-10 clock as the check-in tests
