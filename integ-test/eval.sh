#!/usr/bin/env bash
# Evaluation: index a corpus into a REALM index on a live node, ask every question of a SQuAD-format file (v1.1 or
# v2.0) and print, side by side, retrieval recall@1/5/20 of the dense retriever (_realm), of BM25 (a nested `match`
# on the same passages) and of both fused (_realm with "retrieval": "hybrid"), and exact match / F1 (official SQuAD
# normalisation) of the reader on the gold paragraph and end to end through _realm, the latter in every retrieval mode at
# every k up to --max-k, plotted (DIR/em-vs-k.png), and with SQuAD 2.0 files the no-answer threshold that maximises F1.
# Writes DIR/results.json, DIR/results.md and the per-question DIR/predictions.jsonl.
#
#   integ-test/eval.sh --corpus FILE.jsonl --questions FILE.json --out DIR [--url URL] [--plugin ZIP]
#                      [--http-port 9280] [--transport-port 9380] [--heap 1g] [--keep-node]
#                      [--index eval] [--model all-minilm-l6-v2] [--reader ID] [--k 5] [--max-k 10]
#                      [--modes dense,bm25,hybrid] [--clients 2] [--bulk-size 32]
#                      [--max-questions N] [--reuse-index] [--no-reader]
#
#   --corpus FILE     JSONL documents {"id", "title", "text"} (e.g. ../shared/data/squad/paragraphs.jsonl)
#   --questions FILE  SQuAD-format JSON (v1.1, or v2.0 with unanswerable questions), e.g. dev-v1.1.json. A question is
#                     asked on the corpus document whose "text" is its paragraph (exact, else white space collapsed);
#                     questions whose paragraph is not in the corpus are counted and skipped with a warning.
#   --out DIR         results.json (scores in percent, counts, timings), results.md (the Markdown table),
#                     predictions.jsonl (per question: gold passages, dense/BM25 ranks, predictions, EM/F1),
#                     predictions_gold.json / predictions_e2e.json ({id: answer}, the official script's format)
#   --url URL         evaluate on a running node (it is left running). The index --index is deleted and re-created
#                     there unless --reuse-index. Without --url a node "eval" is started from the assembled
#                     distribution on --http-port and stopped at the end (--keep-node leaves it running).
#   --plugin ZIP      realm plugin zip for the distribution (default: target/opensearch-realm-*.zip, rebuilt when
#                     sources are newer)
#   --model ID        the index's passage encoder        --reader ID  the index's reader (default: the plugin's default)
#   --k N             passages read end to end (default 5)
#   --max-k N         the end-to-end sweep per retrieval mode reads this many passages once and scores every k up to
#                     it (default 10)
#   --modes LIST      the retrieval modes of that sweep, comma-separated (default dense,bm25,hybrid; none: no sweep)
#   --clients N       requests in flight (default 2: one per core of a 2-core machine)
#   --max-questions N only the first N questions of the file
#   --reuse-index     keep the index as it is when it holds as many documents as the corpus (skips indexing)
#   --no-reader       retrieval only: do not ask the reader even if the index has one
# Environment: REALM_DIST_DIR (distribution directory, as for assemble.sh/node.sh), REALM_JAVA_HOME.
#
# Retrieval: a question's gold passages are the passages of its paragraph's document that contain one of its answers
# (as a run of whole words, case-insensitive); recall@k is the share of answerable questions with a gold passage in the top
# k. Dense = the passages of _realm (k=20, "read": false when the API has it); BM25 = the top 20 documents of a nested
# `match` query with their passages as inner hits, passages then ranked across documents as the plugin ranks k-NN hits.
# Reader: gold paragraph = _realm filtered to the paragraph's document ({"ids": ...}) with k = its passage count; end to
# end = _realm with k passages; the top answer is scored. With a v2.0 file, no_answer=true predicts "no answer".
# Per mode and k: one _realm call per mode with k = --max-k and "explain": true; the answer at each smaller k is the
# plugin's own AnswerScorer over the first k passages read (results.json: e2e_em_hybrid, e2e_em_at_k_hybrid, ...;
# no_answer_sweep_hybrid with v2.0 files: the threshold of index.realm.no_answer_threshold that maximises F1).
# Without a reader (no "answers" in _realm responses) the reader scores are null / "n/a" and recall is still measured.
# The scorer is Java (src/tools/java/org/opensearchrealm/eval/), compiled against the installed plugin's jar: its
# SQuAD normalisation (AnswerNormalizer) and answer scoring (AnswerScorer) are the plugin's own.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

corpus="" questions="" out="" url="" zip="" port=9280 tport=9380 heap=1g keep_node=false
eval_args=()
while (($#)); do
  case $1 in
    --corpus) corpus=$(realpath "${2:?}"); shift 2 ;;
    --questions) questions=$(realpath "${2:?}"); shift 2 ;;
    --out) out=$(realpath -m "${2:?}"); shift 2 ;;
    --url) url=${2:?}; shift 2 ;;
    --plugin) zip=$(realpath "${2:?}"); shift 2 ;;
    --http-port) port=${2:?}; shift 2 ;;
    --transport-port) tport=${2:?}; shift 2 ;;
    --heap) heap=${2:?}; shift 2 ;;
    --keep-node) keep_node=true; shift ;;
    --index|--model|--reader|--k|--max-k|--modes|--clients|--bulk-size|--max-questions) eval_args+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --reuse-index|--no-reader) eval_args+=("$1"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ -n "$corpus" && -n "$questions" && -n "$out" ]] || { usage >&2; die "--corpus, --questions and --out are required"; }
[[ -f "$corpus" ]] || die "no corpus file $corpus"
[[ -f "$questions" ]] || die "no questions file $questions"
require_java21

NAME="eval"
started_node=false url_given=false
if [[ -n "$url" ]]; then url_given=true; else url=http://127.0.0.1:$port; fi
T0=$SECONDS
phase() { log "== $* (elapsed $(fmt_secs $((SECONDS - T0))))"; }

stop_node() {
  if $started_node; then
    "$IT_DIR/node.sh" stop --name "$NAME" || true
    started_node=false
  fi
}
on_exit() {
  local rc=$? was_started=$started_node
  if $keep_node && $started_node; then
    log "the node keeps running on $url (stop it: integ-test/node.sh stop --name $NAME)"
  else
    stop_node
  fi
  if ((rc != 0)); then
    if $was_started; then
      log "failed (exit $rc); node log: $NODES_DIR/$NAME/logs/$CLUSTER_NAME.log; partial output in $out"
    else
      log "failed (exit $rc); partial output in $out"
    fi
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM
mkdir -p "$out"

# The distribution: needed to run a node, and its lib/ has the JSON (x-content) jars the evaluator compiles against.
if ! $url_given || [[ ! -d "$DIST_DIR/lib" ]]; then
  phase "1/4 plugin zip and distribution"
  [[ -n "$zip" ]] || zip=$(ensure_plugin_zip)
  if ! $url_given; then
    # A node of an interrupted run is ours, and a running node would keep its distribution from being updated.
    "$IT_DIR/node.sh" stop --name "$NAME" >/dev/null 2>&1 || true
  fi
  "$IT_DIR/assemble.sh" --plugin "$zip"
else
  phase "1/4 distribution: using $DIST_DIR/lib for the evaluator (the node at $url is not touched)"
fi

phase "2/4 evaluator (SquadEval)"
# Compiled from this checkout against the installed plugin's jar: one implementation of the SQuAD normalisation and of
# answer scoring for the plugin and its evaluation.
SOURCES=("$REPO_ROOT"/src/tools/java/org/opensearchrealm/eval/*.java)
CLASSES=$BUILD_DIR/eval-classes
CLASS_FILE=$CLASSES/org/opensearchrealm/eval/SquadEval.class
LIBS="$DIST_DIR/lib/*:$DIST_DIR/plugins/opensearch-realm/*"
CP="$CLASSES:$LIBS"
stale=false
[[ -f "$CLASS_FILE" ]] || stale=true
for f in "${SOURCES[@]}" "$DIST_DIR"/plugins/opensearch-realm/opensearch-realm-*.jar; do [[ "$f" -nt "$CLASS_FILE" ]] && stale=true; done
if $stale; then
  rm -rf "$CLASSES"
  mkdir -p "$CLASSES"
  "$JAVA21_HOME/bin/javac" --release 21 -proc:none -nowarn -cp "$LIBS" -d "$CLASSES" "${SOURCES[@]}" ||
    die "cannot compile the evaluator"
  log "compiled the evaluator"
fi

phase "3/4 node"
if ! $url_given; then
  started_node=true
  "$IT_DIR/node.sh" start --name "$NAME" --clean --http-port "$port" --transport-port "$tport" --heap "$heap" --wait
else
  log "using the running node at $url (not started, not stopped by this script)"
fi

phase "4/4 evaluation: $(basename "$questions") on $(basename "$corpus")"
"$JAVA21_HOME/bin/java" -Xmx1g -XX:+UseSerialGC -Dfile.encoding=UTF-8 -Dlog4j2.level=error -cp "$CP" \
  org.opensearchrealm.eval.SquadEval --url "$url" --corpus "$corpus" --questions "$questions" --out "$out" \
  ${eval_args[@]+"${eval_args[@]}"}
"$IT_DIR/plot.sh" plot-em-vs-k.py "$out/results.json" "$out/em-vs-k.png" || log "WARNING: no plot (see above); the figures are in $out/results.json"
log "done in $(fmt_secs $((SECONDS - T0)))"
