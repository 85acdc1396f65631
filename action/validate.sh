#!/usr/bin/env bash
# The step of action.yml that validates: bdigest-data validate with GitHub annotations.
# Inputs come as environment variables: INPUT_PATH (default "."), INPUT_CHECKS (empty: all
# groups), INPUT_MAX_ANNOTATIONS (empty: 10). Exit status is validate's: 0 valid,
# 1 invalid, 2 usage or I/O error. The step summary goes to $GITHUB_STEP_SUMMARY.
set -euo pipefail

args=(validate --package "${INPUT_PATH:-.}" --format github)
if [[ -n "${INPUT_CHECKS:-}" ]]; then
  args+=(--checks "${INPUT_CHECKS}")
fi
if [[ -n "${INPUT_MAX_ANNOTATIONS:-}" ]]; then
  args+=(--max-annotations "${INPUT_MAX_ANNOTATIONS}")
fi
exec bdigest-data "${args[@]}"
