"""CSV files named on the command line (`enroll --csv`, `group add --csv`): read whole, each row with
its line number, or refused with a CommandError that names the problem (never a traceback)."""

import csv

from django.core.management.base import CommandError


def read_rows(path) -> list[tuple[int, list[str]]]:
    """(line number, cells) for each row of a UTF-8 CSV file (a byte-order mark is fine), leaving out
    blank rows and a first row whose first cell is "username" (a header). A row's line number is the
    line it ends on, so a quoted field across lines is still named where it is."""
    rows = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                if not rows and reader.line_num == 1 and cells[0].strip().lower() == "username":
                    continue
                rows.append((reader.line_num, cells))
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text") from None
    except csv.Error as error:
        raise CommandError(f"{path} is not a CSV file: {error}") from None
    return rows
