#!/usr/bin/env bash
# Benchmark: ingest throughput of a REALM index against the bare encoder, and _realm latency against bare query
# encoding plus a raw k-NN search, measured on this machine in one run. Prints a table and writes DIR/bench.json.
#
#   integ-test/bench.sh [--corpus FILE.jsonl] [--out DIR] [--questions FILE] [--url URL] [--plugin ZIP]
#                       [--http-port 9260] [--transport-port 9360] [--heap 1g] [--model all-minilm-l6-v2]
#                       [--bulk-size 32] [--clients 2] [--k 5] [--max-questions 200] [--rounds R] [--target 0.8]
#                       [--index bench] [--reader realm-reader-bge-small-int8] [--reader-source realm-reader-bge-small]
#
#   --corpus FILE    JSONL documents {"id", "text", ...} (default integ-test/demo/corpus.jsonl; e.g.
#                    ../shared/data/squad/paragraphs.jsonl)
#   --out DIR        results (default integ-test/build/bench): bench.json, the per-phase JSON files, passages.jsonl,
#                    hot_threads.txt (node hot threads sampled during ingest), latency-stages.png (p50 of _realm per
#                    stage in each situation measured)
#   --questions F    questions for the latency part: .txt (one per line) or a SQuAD .json; default: the demo questions
#                    for the demo corpus, else dev-v1.1.json next to the corpus (the first --max-questions)
#   --url URL        benchmark a running node instead of starting one (it is left running; the bare encoder then
#                    shares the machine with an idle node). The index --index (default bench) is deleted and re-created
#                    there, and a throwaway index INDEX-warmup is created and deleted.
#   --plugin ZIP     realm plugin zip (default: target/opensearch-realm-*.zip, rebuilt when sources are newer)
#   --bulk-size N    documents per _bulk request (default 32)
#   --clients N      concurrent _bulk requests (default 2: the node's realm_inference pool has one thread per core;
#                    one request at a time leaves it idle while the request tokenizes, indexes and answers, and the
#                    last batch of a request is usually partial; two keep both threads fed; more only queue)
#   --rounds R       times each question is asked (default: enough for >= 100 latency samples)
#   --target X       ingest passages/s must reach X times the bare encoder's (default 0.8)
#   --reader ID      the reader timed bare in the last phase (the plugin's default), against the fp32 ONNX export of
#                    --reader-source (the djl reader it was exported from), which is timed too
# Environment: REALM_DIST_DIR (distribution directory, as for assemble.sh/node.sh), REALM_JAVA_HOME.
#
# Order, so that every measurement gets the machine to itself: (1) the bare query encode runs before the node starts;
# (2) the node runs for ingest and for the _realm / raw k-NN latencies (interleaved question by question); (3) it is
# restarted for the first _realm after a start (first_query_ms, against the warm queries right after it), (4) stopped,
# then the bare encoder embeds exactly the passages the node stored, with the node's parallelism; (5) the bare readers.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

corpus=$IT_DIR/demo/corpus.jsonl out=$BUILD_DIR/bench questions="" url="" zip="" port=9260 tport=9360 heap=1g
model=all-minilm-l6-v2 reader=realm-reader-bge-small-int8 reader_source=realm-reader-bge-small bulk_size=32 clients=2 k=5 max_questions=200 rounds=0 target=0.8 index=bench
while (($#)); do
  case $1 in
    --corpus) corpus=$(realpath "${2:?}"); shift 2 ;;
    --out) out=$(realpath -m "${2:?}"); shift 2 ;;
    --questions) questions=$(realpath "${2:?}"); shift 2 ;;
    --url) url=${2:?}; shift 2 ;;
    --plugin) zip=$(realpath "${2:?}"); shift 2 ;;
    --http-port) port=${2:?}; shift 2 ;;
    --transport-port) tport=${2:?}; shift 2 ;;
    --heap) heap=${2:?}; shift 2 ;;
    --model) model=${2:?}; shift 2 ;;
    --reader) reader=${2:?}; shift 2 ;;
    --reader-source) reader_source=${2:?}; shift 2 ;;
    --bulk-size) bulk_size=${2:?}; shift 2 ;;
    --clients) clients=${2:?}; shift 2 ;;
    --k) k=${2:?}; shift 2 ;;
    --max-questions) max_questions=${2:?}; shift 2 ;;
    --rounds) rounds=${2:?}; shift 2 ;;
    --target) target=${2:?}; shift 2 ;;
    --index) index=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ -f "$corpus" ]] || die "no corpus file $corpus"
if [[ -z "$questions" ]]; then
  if [[ "$corpus" == "$(realpath "$IT_DIR/demo/corpus.jsonl")" ]]; then
    questions=$IT_DIR/demo/questions.txt
  elif [[ -f "$(dirname "$corpus")/dev-v1.1.json" ]]; then
    questions=$(dirname "$corpus")/dev-v1.1.json
  else
    die "no default questions for $corpus: give --questions FILE (.txt or SQuAD .json)"
  fi
fi
[[ -f "$questions" ]] || die "no questions file $questions"
require_java21
command -v python3 >/dev/null || die "python3 not found"

NAME=bench INDEX=$index
started_node=false url_given=false
if [[ -n "$url" ]]; then url_given=true; else url=http://127.0.0.1:$port; fi
bench_py() { python3 "$IT_DIR/bench.py" "$@"; }
T0=$SECONDS
STEP_TOTAL=9
phase() { log "== $* (elapsed $(fmt_secs $((SECONDS - T0))))"; }

stop_node() {
  if $started_node; then
    "$IT_DIR/node.sh" stop --name "$NAME" || true
    started_node=false
  fi
}
on_exit() {
  local rc=$?
  stop_node
  ((rc == 0)) || log "failed (exit $rc); node log: $NODES_DIR/$NAME/logs/$CLUSTER_NAME.log; partial results in $out"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

mkdir -p "$out" "$out/tmp"
rm -f "$out/bench.json" "$out/reader_bare.json" "$out/ingest.json" "$out/latency.json" "$out/reading.json" "$out/search.json" "$out/under_bulk.json" "$out/first_query.json" "$out/bare.json" "$out/query_vectors.jsonl" "$out/passages.jsonl"

phase "1/$STEP_TOTAL plugin zip and distribution"
[[ -n "$zip" ]] || zip=$(ensure_plugin_zip)
"$IT_DIR/assemble.sh" --plugin "$zip"
plugin_name=$(zip_descriptor_value "$zip" name)
PLUGIN_HOME=$DIST_DIR/plugins/$plugin_name
[[ -d "$PLUGIN_HOME/models" ]] || die "no installed plugin at $PLUGIN_HOME"

phase "2/$STEP_TOTAL bare encoder main (EncoderBench)"
# Compiled against, and run with, the jars of the installed plugin and of the distribution: the bare encoder loads
# the same jars, natives and model files as the node, through the same ModelRegistry.
SRC=$REPO_ROOT/src/tools/java/org/opensearchrealm/bench/EncoderBench.java
CLASSES=$BUILD_DIR/bench-classes
CP="$CLASSES:$DIST_DIR/lib/*:$PLUGIN_HOME/*"
CLASS_FILE=$CLASSES/org/opensearchrealm/bench/EncoderBench.class
# Recompiled when the source changed or the plugin was (re)installed since (assemble.sh rewrites .realm-plugin then).
if [[ ! -f "$CLASS_FILE" || "$SRC" -nt "$CLASS_FILE" || "$DIST_DIR/.realm-plugin" -nt "$CLASS_FILE" ]]; then
  rm -rf "$CLASSES"
  mkdir -p "$CLASSES"
  "$JAVA21_HOME/bin/javac" --release 21 -proc:none -nowarn -cp "$CP" -d "$CLASSES" "$SRC" || die "cannot compile $SRC"
  log "compiled $(basename "$SRC")"
fi
bare_java() {
  # bare_java MODEL ARGS...: the node's heap and collector; natives are configured by ModelRegistry (NativeLibraries)
  # from the plugin home.
  local m=$1 && shift
  "$JAVA21_HOME/bin/java" -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -Djna.nosys=true -Dfile.encoding=UTF-8 \
    --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$out/tmp" -Dlog4j2.level=error \
    -cp "$CP" org.opensearchrealm.bench.EncoderBench "$@" \
    --home "$PLUGIN_HOME" --model "$m" --cache "$out/tmp/djl-cache"
}
# the model that encodes the index's questions: the encoder's query_model (model.json) if it names one, as _realm does
query_model=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("query_model") or d["id"])' \
  "$PLUGIN_HOME/models/$model/model.json")

if $url_given; then node_state="node at $url idle"; else node_state="no node running"; fi
phase "3/$STEP_TOTAL bare query encode ($(basename "$questions"), $node_state)"
rounds=$(bench_py questions --questions "$questions" --out "$out" --max "$max_questions" --rounds "$rounds")
log "questions are encoded by $query_model"
bare_java "$query_model" queries --in "$out/questions.jsonl" --out "$out/query_vectors.jsonl" --rounds "$rounds"

phase "4/$STEP_TOTAL node"
node_pid=""
if ! $url_given; then
  # A bench node left by an interrupted run is ours: stop it first.
  "$IT_DIR/node.sh" stop --name "$NAME" >/dev/null 2>&1 || true
  started_node=true
  "$IT_DIR/node.sh" start --name "$NAME" --clean --http-port "$port" --transport-port "$tport" --heap "$heap" --wait
  node_pid=$(cat "$NODES_DIR/$NAME/opensearch.pid" 2>/dev/null || true)
else
  log "using the running node at $url (not started, not stopped by this script)"
fi

phase "5/$STEP_TOTAL ingest $(wc -l <"$corpus") documents of $(basename "$corpus") (bulks of $bulk_size, $clients concurrent)"
bench_py ingest --url "$url" --index "$INDEX" --corpus "$corpus" --out "$out" --model "$model" \
  --bulk-size "$bulk_size" --clients "$clients" ${node_pid:+--node-pid "$node_pid"}

phase "6/$STEP_TOTAL retrieval-only _realm and raw k-NN latency; reading _realm with 1 and 4 clients, through _search, and under _bulk"
bench_py latency --url "$url" --index "$INDEX" --out "$out" --k "$k"
bench_py reading --url "$url" --index "$INDEX" --out "$out" --k "$k"
bench_py search --url "$url" --index "$INDEX" --out "$out" --k "$k"
bench_py under-bulk --url "$url" --index "$INDEX" --corpus "$corpus" --out "$out" --model "$model" --k "$k"

was_started=$started_node
if $started_node; then
  phase "7/$STEP_TOTAL first _realm after a restart of the node"
  "$IT_DIR/node.sh" stop --name "$NAME"
  "$IT_DIR/node.sh" start --name "$NAME" --http-port "$port" --transport-port "$tport" --heap "$heap" --wait
  bench_py first-query --url "$url" --index "$INDEX" --out "$out" --k "$k"
else
  phase "7/$STEP_TOTAL first _realm after a restart: skipped (--url: not this script's node)"
fi
stop_node
phase "8/$STEP_TOTAL bare passage encode ($node_state)"
read -r threads batch intra < <(python3 -c 'import json,sys,os
c=json.load(open(sys.argv[1]))["inference"]
print(c["threads"] or os.cpu_count(), c["batch"], c["intra_op"])' "$out/ingest.json")
bare_java "$model" passages --in "$out/passages.jsonl" --out "$out/bare.json" --threads "$threads" --batch "$batch" --intra-op "$intra"

phase "9/$STEP_TOTAL bare reader forward: $k full windows, the default reader against its fp32 ONNX export and the djl reader"
# The reader without OpenSearch around it (reader_bare_p50_ms), and what int8 buys over fp32 on the same engine
# (int8_speedup): the fp32 ONNX reader is exported here from the bundled djl reader, by the command that made the int8 one.
RCLASSES=$BUILD_DIR/reader-bench-classes
RSRC=("$REPO_ROOT"/src/tools/java/org/opensearchrealm/bench/ReaderBench.java "$REPO_ROOT"/src/tools/java/org/opensearchrealm/onnx/*.java)
RCP="$RCLASSES:$DIST_DIR/lib/*:$PLUGIN_HOME/*"
stale=false
for f in "${RSRC[@]}"; do [[ "$f" -nt "$RCLASSES/.built" ]] && stale=true; done
[[ -f "$RCLASSES/.built" && "$DIST_DIR/.realm-plugin" -ot "$RCLASSES/.built" ]] || stale=true
if $stale; then
  rm -rf "$RCLASSES" && mkdir -p "$RCLASSES"
  "$JAVA21_HOME/bin/javac" --release 21 -proc:none -nowarn -cp "$RCP" -d "$RCLASSES" "${RSRC[@]}" || die "cannot compile the reader bench"
  touch "$RCLASSES/.built"
fi
reader_java() {
  "$JAVA21_HOME/bin/java" -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -Djna.nosys=true -Dfile.encoding=UTF-8 \
    --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$out/tmp" -Dlog4j2.level=error -cp "$RCP" "$@"
}
reader_config=$out/tmp/reader-config
rm -rf "$reader_config" && mkdir -p "$reader_config/realm/models"
reader_java org.opensearchrealm.onnx.ExportReaderOnnx --from "$PLUGIN_HOME/models/$reader_source" \
  --out "$reader_config/realm/models/$reader_source-fp32" --precision fp32
for m in "$reader" "$reader_source-fp32" "$reader_source"; do
  reader_java org.opensearchrealm.bench.ReaderBench --home "$PLUGIN_HOME" --config "$reader_config" --cache "$out/tmp/djl-cache" \
    --model "$m" --rounds 15 --batches "$k" --intra-op 1 --json "$out/reader-$m.json" | grep -v '^loaded'
done
python3 -c 'import json,sys; json.dump({"default": json.load(open(sys.argv[1])), "fp32_onnx": json.load(open(sys.argv[2])),
  "djl": json.load(open(sys.argv[3])), "windows": int(sys.argv[4])}, open(sys.argv[5], "w"), indent=1)' \
  "$out/reader-$reader.json" "$out/reader-$reader_source-fp32.json" "$out/reader-$reader_source.json" "$k" "$out/reader_bare.json"

report_args=(--out "$out" --target "$target" --url "$url" --plugin-zip "$zip")
$was_started && report_args+=(--started-node)
bench_py report "${report_args[@]}"
"$IT_DIR/plot.sh" plot-latency.py "$out/bench.json" "$out/latency-stages.png" ||
  log "WARNING: no plot (see above); the figures are in $out/bench.json"
log "done in $(fmt_secs $((SECONDS - T0)))"
