#!/usr/bin/env bash
# One-command check of the compressor on a real GPU (issue 19 #5), for a machine that may lack Node, the
# Vulkan loader and the data: adapter and limits, the GPU unit tests, bench:raster and bench:train-step
# rows, and mode (c) on the whole playbot. Every step is timed and bounded (`timeout`); a failed or
# skipped step is a row of the table, never the end of the run. The whole run stays under ~8 minutes.
#
#   scripts/gpu-check.sh prepare [--with-data]   here (network for apt): builds .gpu-check/ (git-ignored):
#       Node, the runtime node_modules, the Vulkan/EGL loader .debs, and with --with-data a playbot .gsz
#       and a 12-view Lego subset (transient copies for the device run only; never committed)
#   scripts/gpu-check.sh run                     on the GPU machine, from the repository root
#   scripts/gpu-check.sh clean                   removes .gpu-check/
#
# On the device tool: carry [".gpu-check"] and run `bash scripts/gpu-check.sh run` (logs and the table
# land in $OUT when it is set). Step budgets in seconds: GPU_CHECK_BUDGETS="20,150,70,70,150".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUNDLE="$ROOT/.gpu-check"
# Fast xz: the bundle must stay under the device tool's 64 MiB, and -9 takes many minutes on a loaded CPU.
export XZ_OPT="-2 -T0"
# Node packages the compressor needs at run time (package.json dependencies, tsx's own, and esbuild).
RUNTIME_PACKAGES="webgpu tsx esbuild @esbuild get-tsconfig resolve-pkg-maps pngjs fflate fzstd msgpackr
  msgpackr-extract @msgpackr-extract node-gyp-build-optional-packages detect-libc jpeg-js @jsquash lit
  @lit lit-html lit-element @lit-labs @lit-reactive-element cli-progress string-width strip-ansi
  ansi-regex emoji-regex is-fullwidth-code-point"

prepare() {
  local with_data=$1
  mkdir -p "$BUNDLE/gl" "$BUNDLE/data"
  local exclude
  exclude="$(git rev-parse --git-common-dir)/info/exclude"
  grep -qx '/.gpu-check/' "$exclude" 2>/dev/null || echo '/.gpu-check/' >>"$exclude"
  echo "node $(node --version) -> node.tar.xz"
  tar -C "$(dirname "$(readlink -f "$(command -v node)")")" -cJf "$BUNDLE/node.tar.xz" node
  echo "runtime node_modules -> node_modules.tar.xz (webgpu: linux-x64 only)"
  local present=()
  for p in $RUNTIME_PACKAGES; do [ -e "node_modules/$p" ] && present+=("node_modules/$p"); done
  tar -cJf "$BUNDLE/node_modules.tar.xz" --exclude='node_modules/webgpu/dist/darwin-*' \
    --exclude='node_modules/webgpu/dist/win32-*' --exclude='node_modules/webgpu/dist/linux-arm64' \
    "${present[@]}"
  echo "Vulkan/EGL loaders -> gl/*.deb"
  local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null && (cd "$BUNDLE/gl" && apt-get $o download libvulkan1 libegl1 libglvnd0 \
    libopengl0 libgl1 libglx0 libgles2 >/dev/null) || echo "apt download failed: run without loaders"
  if [ "$with_data" = 1 ]; then
    local data=${GS_DATA_DIR:-$ROOT/../shared/data}
    [ -d "$data/scenes" ] || { echo "no real data at $data: set GS_DATA_DIR" >&2; return 1; }
    echo "playbot -> data/playbot.gsz; Lego: 12 views"
    node compressor/bin/gs-compress.js pack "$data/scenes/playbot.ply" -o "$BUNDLE/data/playbot.gsz" --kmeans cpu
    mkdir -p "$BUNDLE/data/lego/train"
    node -e '
      const fs = require("fs");
      const [src, dst] = process.argv.slice(1);
      const t = JSON.parse(fs.readFileSync(src + "/transforms_train.json", "utf8"));
      t.frames = t.frames.filter((_, i) => i % 8 === 0).slice(0, 12);
      for (const f of t.frames) fs.copyFileSync(src + "/" + f.file_path.replace(/^\.\//, "") + ".png",
        dst + "/" + f.file_path.replace(/^\.\//, "") + ".png");
      fs.writeFileSync(dst + "/transforms_train.json", JSON.stringify(t));' "$data/lego" "$BUNDLE/data/lego"
  fi
  du -sh "$BUNDLE"
}

# --- run -------------------------------------------------------------------------------------------
ROWS=()
LOGDIR=${OUT:-/tmp}/gpu-check
row() { ROWS+=("| $1 | $2 | $3 | $4 |"); echo "== $1: $2 ($3 s) $4"; }

# step NAME BUDGET_S COMMAND...: runs bounded, logs to $LOGDIR/all.log, records a row with the last
# line that matches $PICK (or the last line).
step() {
  local name=$1 budget=$2
  shift 2
  local log=/tmp/gpu-check-step.log t0 rc
  t0=$(date +%s)
  echo "### $name (budget ${budget}s): $*" >>"$LOGDIR/all.log"
  timeout --kill-after=5 "$budget" "$@" >"$log" 2>&1
  rc=$?
  cat "$log" >>"$LOGDIR/all.log"
  local took=$(($(date +%s) - t0)) summary
  summary=$(grep -E "${PICK:-.}" "$log" | grep -v XDG_RUNTIME_DIR | tail -n 1)
  [ -n "$summary" ] || summary=$(grep -v -e XDG_RUNTIME_DIR -e '^\s*$' "$log" | tail -n 1)
  summary=$(echo "$summary" | cut -c1-150 | tr '|' '/')
  if [ $rc -eq 0 ]; then row "$name" ok "$took" "$summary"
  elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then row "$name" "TIMEOUT" "$took" "over ${budget}s; last: $summary"
  else row "$name" "FAIL ($rc)" "$took" "$summary"
  fi
}

run() {
  mkdir -p "$LOGDIR"
  : >"$LOGDIR/all.log"
  local start
  start=$(date +%s)
  IFS=, read -r B_ADAPTER B_TESTS B_RASTER B_TRAIN B_SELECT <<<"${GPU_CHECK_BUDGETS:-20,150,70,70,150}"
  # Loaders: only when the system has none (unpacking over a working one can break it).
  if ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
    if ls "$BUNDLE"/gl/*.deb >/dev/null 2>&1; then
      for f in "$BUNDLE"/gl/*.deb; do dpkg -x "$f" /; done
      ldconfig
      row "Vulkan loader" "unpacked" 0 "$(ls "$BUNDLE"/gl | tr '\n' ' ')"
    else
      row "Vulkan loader" "MISSING" 0 "no libvulkan.so.1 and no .gpu-check/gl/*.deb"
    fi
  fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
  [ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] &&
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  if ! command -v node >/dev/null 2>&1; then
    if [ -f "$BUNDLE/node.tar.xz" ]; then
      mkdir -p /tmp/gpu-check-node && tar -C /tmp/gpu-check-node -xJf "$BUNDLE/node.tar.xz"
      export PATH=/tmp/gpu-check-node:$PATH
    else
      row "Node" "MISSING" 0 "no node and no .gpu-check/node.tar.xz: run 'scripts/gpu-check.sh prepare' first"
      finish "$start"
      return
    fi
  fi
  if [ ! -d node_modules/webgpu ] && [ -f "$BUNDLE/node_modules.tar.xz" ]; then tar -xJf "$BUNDLE/node_modules.tar.xz"; fi
  local data=${GS_DATA_DIR:-}
  if [ -z "$data" ] && [ -d "$ROOT/../shared/data/scenes" ]; then data=$ROOT/../shared/data; fi
  if [ -z "$data" ] && [ -f "$BUNDLE/data/playbot.gsz" ]; then
    data=/tmp/gpu-check-data
    mkdir -p "$data/scenes"
    [ -d "$BUNDLE/data/lego" ] && ln -sfn "$BUNDLE/data/lego" "$data/lego"
    step "playbot .gsz -> PLY" 40 node compressor/bin/gs-compress.js convert "$BUNDLE/data/playbot.gsz" \
      -o "$data/scenes/playbot.ply"
  fi
  export GS_DATA_DIR=${data:-/nonexistent}
  local tsnode=(node --import ./scripts/register.mjs)

  cat >/tmp/gpu-check-adapter.ts <<'EOF'
import { getGpu } from './compressor/gpu/device.ts';
const gpu = await getGpu();
const l = gpu.device.limits;
console.log(`adapter: ${gpu.adapterInfo.vendor} ${gpu.adapterInfo.architecture} ${gpu.adapterInfo.description} software=${gpu.software}`);
console.log(`features: ${[...gpu.device.features].join(' ')}`);
for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupsPerDimension'] as const)
  console.log(`${k} ${l[k]}`);
console.log(`adapter ${gpu.adapterInfo.vendor}/${gpu.adapterInfo.architecture}, binding ${(l.maxStorageBufferBindingSize / 2 ** 30).toFixed(2)} GiB, buffer ${(l.maxBufferSize / 2 ** 30).toFixed(2)} GiB`);
process.exit(0);
EOF
  cp /tmp/gpu-check-adapter.ts ./.gpu-check-adapter.ts
  PICK='^adapter ' step "adapter and limits" "$B_ADAPTER" "${tsnode[@]}" ./.gpu-check-adapter.ts
  rm -f ./.gpu-check-adapter.ts
  grep -E "^(adapter|features|max)" "$LOGDIR/all.log" | sed 's/^/    /'

  PICK='^# (pass|fail|skipped)' step "GPU unit tests" "$B_TESTS" node scripts/run-tests.mjs compressor/gpu \
    shared/gpu compressor/render/ kmeans-gpu compressor/train/loop packed-adam loss.test adam.test
  row "  test files' tests" "" "" "$(grep -c '^ok' /tmp/gpu-check-step.log) ok, $(grep -c '^not ok' /tmp/gpu-check-step.log) not ok: $(grep '^not ok' /tmp/gpu-check-step.log | cut -c1-60 | tr '\n|' '; ')"

  if [ -f "$GS_DATA_DIR/scenes/playbot.ply" ]; then
    PICK='^\|' BENCH_COUNTS=100000,500000 BENCH_SIZES=512,1024 BENCH_ROW_SECONDS=5 \
      step "bench:raster" "$B_RASTER" "${tsnode[@]}" scripts/bench-raster.ts
    grep -E '^\|' /tmp/gpu-check-step.log | sed 's/^/    /'
  else
    row "bench:raster" "SKIPPED" 0 "no playbot.ply (GS_DATA_DIR or prepare --with-data)"
  fi
  if [ -d "$GS_DATA_DIR/lego" ]; then
    PICK='s/it|iteration' step "bench:train-step" "$B_TRAIN" "${tsnode[@]}" scripts/bench-train-step.ts \
      --counts 20000,100000 --iterations 30 --stage-iterations 4
    grep -E '^\|' /tmp/gpu-check-step.log | sed 's/^/    /'
  else
    row "bench:train-step" "SKIPPED" 0 "no lego/ (GS_DATA_DIR or prepare --with-data)"
  fi
  if [ -f "$GS_DATA_DIR/scenes/playbot.ply" ]; then
    PICK='natural-selection|importance|wall time' step "mode (c) whole playbot" "$B_SELECT" \
      "${tsnode[@]}" scripts/bench-select.ts --skip lego --playbot-subsample 0 --playbot-seeds 0 \
      --playbot-iterations "${GPU_CHECK_SELECT_ITERATIONS:-2000}" --playbot-views 48
    grep -E '^\|' /tmp/gpu-check-step.log | sed 's/^/    /'
  else
    row "mode (c) whole playbot" "SKIPPED" 0 "no playbot.ply"
  fi
  finish "$start"
}

finish() {
  local total=$(($(date +%s) - $1))
  {
    echo
    echo "gpu-check: $(date -u +%FT%TZ), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi'), ${total} s"
    echo "| step | status | s | summary |"
    echo "| --- | --- | ---: | --- |"
    printf '%s\n' "${ROWS[@]}"
  } | tee "$LOGDIR/table.md"
}

case "${1:-}" in
prepare) prepare "$([ "${2:-}" = --with-data ] && echo 1 || echo 0)" ;;
run) run ;;
clean) rm -rf "$BUNDLE" ;;
*)
  echo "usage: scripts/gpu-check.sh prepare [--with-data] | run | clean" >&2
  exit 2
  ;;
esac
