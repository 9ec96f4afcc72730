"""Site-wide pieces: health check, sign-up, first-run setup."""
