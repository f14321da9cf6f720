"""Where the stack finds its inputs on disk.

Paths are resolved from this file, not from the working directory, so the app
and the tests synthesize the same stack wherever they are started from.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
SHARED_LAYER_DIR = REPO_ROOT / "layers" / "shared"
DEPENDENCY_LAYERS_DIR = REPO_ROOT / "layers" / "deps"
BUILT_LAYERS_DIR = REPO_ROOT / "build" / "layers"
