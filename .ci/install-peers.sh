#!/usr/bin/env bash
# Install recipekit's optional peers into the active Python environment, for the optional test
# groups (`pytest -m modelopt`, `pytest -m nemo_run`) and the side-by-side benchmarks:
#
#   nvidia-modelopt==0.47.0  (+ torch==2.13.0 CPU, requests, huggingface_hub)
#   nemo-run==0.11.1         (+ its declared deps, leptonai==0.27.3 and what `import nemo_run` needs)
#
# Run after `pip install -e '.[test]'`:   bash .ci/install-peers.sh
# The interpreter is `python` on PATH (the active venv); override with PYTHON=/path/to/python.
# Re-running is cheap: pip skips what is already satisfied.
set -euo pipefail

PY="${PYTHON:-python}"
pipi() { "$PY" -m pip install --no-input --quiet "$@"; }

echo "== install-peers: $("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])')"

# --- nvidia-modelopt 0.47.0 -------------------------------------------------------------------
# torch FIRST and pinned: nvidia-modelopt only asks for torch>=2.8, and left alone pip picks the
# newest CUDA build from PyPI (several GB of nvidia-*/triton wheels). The CPU wheel of 2.13.0
# lies in pip's configured find-links on this machine, so the plain pin resolves to it.
pipi "torch==2.13.0"
# Keep the pin in the same resolve so nothing upgrades torch. requests and huggingface_hub are
# imported by `modelopt.torch` but not declared by the 0.47.0 wheel.
pipi "torch==2.13.0" "nvidia-modelopt==0.47.0" requests huggingface_hub
echo "== install-peers: modelopt stack in ${SECONDS}s"

# --- nemo-run 0.11.1 --------------------------------------------------------------------------
# Its `leptonai>=0.26.6` resolves to a release without the module nemo_run imports, so both
# come in with --no-deps, leptonai pinned to 0.27.3. Then one resolve for nemo-run's declared
# deps plus the leptonai deps that `import nemo_run` reaches (ledoc-ui, exceptiongroup, httpx,
# ...), at leptonai's pins where they cost nothing. Left out on purpose: ray[default] (heavy,
# never imported) and leptonai's `anyio<=4.9.0` (honouring it makes pip backtrack and downgrade
# the httpx2 stack huggingface_hub uses); `pip check` reports exactly these two.
pipi --no-deps "nemo-run==0.11.1" "leptonai==0.27.3"
pipi "inquirerpy>=0.3.4" "catalogue>=2.0.10" "fabric>=3.2.2" "fiddle>=0.3.0" "torchx>=0.7.0" \
    "typer>=0.12.3" "rich>=13.7.1" "jinja2>=3.1.4" "networkx>=3.3" "omegaconf>=2.3.0" toml pyyaml \
    ledoc-ui exceptiongroup "httpx[http2]==0.27.2" "cloudpickle==3.0.0" \
    "prometheus-fastapi-instrumentator==7.0.0" loguru fastapi contextlib2 uvicorn pillow \
    python-multipart huggingface_hub
echo "== install-peers: nemo-run stack, ${SECONDS}s so far"

# --- smoke check ------------------------------------------------------------------------------
"$PY" - <<'EOF'
import importlib.metadata as md
import warnings

warnings.simplefilter("ignore")
import modelopt.recipe  # noqa: E402,F401  (~10 s: torch + the eager *_CFG YAML loads)
import nemo_run  # noqa: E402,F401

for dist in ("torch", "nvidia-modelopt", "nemo-run", "leptonai"):
    print(f"  {dist}=={md.version(dist)}")
EOF
echo "== install-peers: ok (${SECONDS}s)"
