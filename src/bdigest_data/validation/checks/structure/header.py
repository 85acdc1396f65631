"""The header line against the schema's fields.

Columns are matched to fields by position, as frictionless does by default: column ``i``
holds field ``i`` whatever its label, so a wrong label is reported and its cells are still
checked against the field at that position.
"""

from __future__ import annotations

from bdigest_data.catalogue import (
    BLANK_HEADER,
    BLANK_LABEL,
    DUPLICATE_LABEL,
    EXTRA_LABEL,
    INCORRECT_LABEL,
    MISSING_LABEL,
)
from bdigest_data.findings import Finding
from bdigest_data.validation.registry import register


@register("structure", BLANK_HEADER, EXTRA_LABEL, MISSING_LABEL, BLANK_LABEL,
          DUPLICATE_LABEL, INCORRECT_LABEL, scope="table")
def check_labels(table: str, labels: list[str], names: list[str],
                 first_line: int = 1) -> list[Finding]:
    """Findings about the header: blank header, extra, missing, blank, duplicate and
    incorrect labels (frictionless' label errors)."""

    def finding(code: str, message: str, field: str | None, value: str) -> Finding:
        return Finding(code=code, message=message, table=table, line=first_line, field=field,
                       value=value)

    if labels == [""]:
        return [finding(BLANK_HEADER, "the header line is empty; the first line must name "
                        "the columns", None, "")]
    out: list[Finding] = []
    for pos, label in enumerate(labels, start=1):
        if pos > len(names):
            out.append(finding(EXTRA_LABEL, f'column {pos} "{label}" is not in the schema, '
                               f"which has {len(names)} fields", None, label))
            continue
        name = names[pos - 1]
        if not label:
            out.append(finding(BLANK_LABEL, f'column {pos} has a blank label; the schema names '
                               f'it "{name}"', name, label))
        elif label in labels[: pos - 1]:
            first = labels.index(label) + 1
            out.append(finding(DUPLICATE_LABEL, f'column {pos} "{label}" repeats the label of '
                               f"column {first}", name, label))
        elif label != name:
            out.append(finding(INCORRECT_LABEL, f'column {pos} is labelled "{label}" but field '
                               f'{pos} of the schema is "{name}" (columns are read by position)',
                               name, label))
    for pos in range(len(labels) + 1, len(names) + 1):
        out.append(finding(MISSING_LABEL, f'the header has no column {pos}; the schema expects '
                           f'"{names[pos - 1]}" there', names[pos - 1], ""))
    return out
