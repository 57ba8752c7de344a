#!/usr/bin/env python3
"""Checks that the plugin zip's jar holds runtime classes only: no trainer, bench, evaluation or test class (the
tools are a source set of their own, src/tools/java, compiled with the tests).
Usage: zip-check.py PLUGIN_ZIP; prints what it found, exits 1 when the jar holds a class it must not."""
import io
import sys
import zipfile

TOOL_PACKAGES = ("org/opensearchrealm/train/", "org/opensearchrealm/bench/", "org/opensearchrealm/eval/")


def main(zip_path):
    with zipfile.ZipFile(zip_path) as plugin:
        jars = [n for n in plugin.namelist() if n.rsplit("/", 1)[-1].startswith("opensearch-realm-") and n.endswith(".jar")]
        if len(jars) != 1:
            sys.exit(f"zip check: expected one opensearch-realm jar in {zip_path}, found {jars}")
        classes = [n for n in zipfile.ZipFile(io.BytesIO(plugin.read(jars[0]))).namelist() if n.endswith(".class")]
    misplaced = [c for c in classes if c.startswith(TOOL_PACKAGES) or c.endswith(("Tests.class", "IT.class"))]
    print(f"zip check: {jars[0]} holds {len(classes)} classes, {len(misplaced)} of tools or tests {misplaced[:10]}")
    return 1 if misplaced or not classes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
