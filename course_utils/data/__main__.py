"""``python -m course_utils.data``: print the registry table of ``data/README.md``."""

from course_utils.data.registry import registry_markdown

print(registry_markdown(), end="")
