#!/usr/bin/env bash
# Assemble a runnable OpenSearch distribution with lang-painless, reindex, k-NN and the realm plugin, from Maven Central
# only.
#
#   integ-test/assemble.sh [--plugin ZIP | --no-plugin] [--dest DIR] [--rebuild]
#
#   --plugin ZIP  realm plugin zip to install (default: newest target/opensearch-realm-*.zip, built if absent)
#   --no-plugin   base distribution only (painless, reindex, k-NN); removes an installed realm plugin
#   --dest DIR    distribution directory (default integ-test/build/dist/opensearch-3.4.0; node.sh finds
#                 another one through the environment variable REALM_DIST_DIR)
#   --rebuild     re-assemble the base distribution even if the cached one is current
#
# The base (OpenSearch + painless + reindex + k-NN) is cached in DIR and rebuilt only when a version in lib.sh changes;
# the realm plugin is reinstalled only when its zip's checksum changes, so re-running is cheap.
set -euo pipefail
source "$(dirname "$0")/lib.sh"


plugin_zip="" no_plugin=false rebuild=false
while (($#)); do
  case $1 in
    --plugin) plugin_zip=$(realpath "${2:?--plugin needs a zip}"); shift 2 ;;
    --no-plugin) no_plugin=true; shift ;;
    --dest) DIST_DIR=$(realpath -m "${2:?--dest needs a directory}"); shift 2 ;;
    --rebuild) rebuild=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

require_java21
command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"

BASE_STAMP="opensearch=$OS_VERSION knn=$KNN_VERSION painless=$OS_VERSION antlr=$ANTLR_VERSION asm=$ASM_VERSION"
BASE_STAMP+=" reindex=$OS_VERSION httpclient5=$HTTPCLIENT5_VERSION httpcore5=$HTTPCORE5_VERSION codec=$COMMONS_CODEC_VERSION"
BASE_STAMP+=" logging=$COMMONS_LOGGING_VERSION slf4j=$SLF4J_VERSION layout=2"
PLUGIN_STAMP_FILE="$DIST_DIR/.realm-plugin"   # "<sha256> <plugin name>" of the installed realm plugin

# Progress: "step N/6", elapsed time, and time left estimated from typical step durations on a 2-core
# machine with a warm ~/.m2 (a cold Maven download of ~140 MB adds its own time to step 1).
TOTAL=6
STEP_SECS=(0 10 2 1 3 1 10)
T0=$SECONDS
step() {
  local n=$1 left=0 i
  shift
  for ((i = n; i <= TOTAL; i++)); do left=$((left + STEP_SECS[i])); done
  log "step $n/$TOTAL: $* (elapsed $(fmt_secs $((SECONDS - T0))), ~$(fmt_secs "$left") left)"
}

# Replacing files under a running node would break it in odd ways: refuse instead.
guard_not_running() {
  local pids
  pids=$(pids_with_arg "-Dopensearch.path.home=$DIST_DIR" | paste -sd' ' -)
  [[ -z "$pids" ]] || die "nodes are running from $DIST_DIR (pids $pids): stop them first (REALM_BUILD_DIR=$BUILD_DIR integ-test/node.sh stop --all)"
}

plugin_cli() { OPENSEARCH_JAVA_HOME="$JAVA21_HOME" JAVA_HOME="$JAVA21_HOME" "$1/bin/opensearch-plugin" "${@:2}"; }

# --- steps 1-4: base distribution -------------------------------------------------------------------------------
fetch_artifacts() {
  # One Maven run for all artifacts: a throwaway pom listing them, copied without their transitive deps
  # (the lang-painless pom also pulls server jars that the distribution already has; the REST client's pom pulls
  # reactor-core and reactive-streams, which are in the distribution's lib/ already and must not be in a module too).
  local work=$BUILD_DIR/fetch dep g a v t
  mkdir -p "$work"
  {
    echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
    echo '<groupId>local.realm-it</groupId><artifactId>dist-fetch</artifactId><version>0</version><packaging>pom</packaging><dependencies>'
    for dep in \
      "org.opensearch.distribution.integ-test-zip:opensearch:$OS_VERSION:zip" \
      "org.opensearch.plugin:opensearch-knn:$KNN_VERSION:zip" \
      "org.opensearch.plugin:lang-painless:$OS_VERSION:jar" \
      "org.opensearch.plugin:opensearch-scripting-painless-spi:$OS_VERSION:jar" \
      "org.antlr:antlr4-runtime:$ANTLR_VERSION:jar" \
      "org.ow2.asm:asm:$ASM_VERSION:jar" "org.ow2.asm:asm-analysis:$ASM_VERSION:jar" \
      "org.ow2.asm:asm-commons:$ASM_VERSION:jar" "org.ow2.asm:asm-tree:$ASM_VERSION:jar" \
      "org.ow2.asm:asm-util:$ASM_VERSION:jar" \
      "org.opensearch.plugin:reindex-client:$OS_VERSION:jar" "org.opensearch.client:opensearch-rest-client:$OS_VERSION:jar" \
      "org.opensearch:opensearch-ssl-config:$OS_VERSION:jar" \
      "org.apache.httpcomponents.client5:httpclient5:$HTTPCLIENT5_VERSION:jar" \
      "org.apache.httpcomponents.core5:httpcore5:$HTTPCORE5_VERSION:jar" \
      "org.apache.httpcomponents.core5:httpcore5-h2:$HTTPCORE5_VERSION:jar" \
      "org.apache.httpcomponents.core5:httpcore5-reactive:$HTTPCORE5_VERSION:jar" \
      "commons-codec:commons-codec:$COMMONS_CODEC_VERSION:jar" "commons-logging:commons-logging:$COMMONS_LOGGING_VERSION:jar" \
      "org.slf4j:slf4j-api:$SLF4J_VERSION:jar"; do
      IFS=: read -r g a v t <<<"$dep"
      echo "<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version><type>$t</type></dependency>"
    done
    echo '</dependencies></project>'
  } >"$work/pom.xml"
  rm -rf "$work/out"
  # On a cold ~/.m2 Maven downloads ~700 files (its own plugins too): show a count every 100, the big
  # artifacts by name, and errors; the full log stays in build/fetch/mvn.log.
  set +e
  (cd "$work" && mvn -B "$DEP_PLUGIN:copy-dependencies" -DexcludeTransitive=true -DoutputDirectory="$work/out") 2>&1 |
    tee "$work/mvn.log" | awk '
      /Downloaded from/ { n++
        if (match($0, /[^\/]+\.zip \([^)]*\)/)) print "  downloaded " substr($0, RSTART, RLENGTH)
        else if (n % 100 == 0) print "  " n " files downloaded"
        fflush() }
      /\[ERROR\]/ { print; fflush() }' >&2
  local rc=${PIPESTATUS[0]}
  set -e
  ((rc == 0)) || die "Maven could not fetch the artifacts (see $work/mvn.log)"
}

build_painless_module() {
  # The integ-test zip ships only netty4 and grpc; k-NN extends lang-painless, so build that module from its jars.
  local home=$1 out=$BUILD_DIR/fetch/out mod=$1/modules/lang-painless
  mkdir -p "$mod"
  cp "$out/lang-painless-$OS_VERSION.jar" "$out/opensearch-scripting-painless-spi-$OS_VERSION.jar" \
    "$out/antlr4-runtime-$ANTLR_VERSION.jar" "$out"/asm-*"$ASM_VERSION".jar "$mod/"
  plugin_descriptor "$mod" lang-painless org.opensearch.painless.PainlessModulePlugin \
    "An easy, safe and fast scripting language for OpenSearch"
  cat >"$mod/plugin-security.policy" <<'EOF'
grant {
  // Painless compiles scripts into classes in its own class loader
  permission java.lang.RuntimePermission "createClassLoader";
  // and looks up the class loaders of allow-listed classes
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF
}

build_reindex_module() {
  # _reindex, _update_by_query and _delete_by_query; the REST client and its jars serve reindex from a remote cluster
  local out=$BUILD_DIR/fetch/out mod=$1/modules/reindex
  mkdir -p "$mod"
  cp "$out/reindex-client-$OS_VERSION.jar" "$out/opensearch-rest-client-$OS_VERSION.jar" "$out/opensearch-ssl-config-$OS_VERSION.jar" \
    "$out/httpclient5-$HTTPCLIENT5_VERSION.jar" "$out/httpcore5-$HTTPCORE5_VERSION.jar" "$out/httpcore5-h2-$HTTPCORE5_VERSION.jar" \
    "$out/httpcore5-reactive-$HTTPCORE5_VERSION.jar" "$out/commons-codec-$COMMONS_CODEC_VERSION.jar" \
    "$out/commons-logging-$COMMONS_LOGGING_VERSION.jar" "$out/slf4j-api-$SLF4J_VERSION.jar" "$mod/"
  plugin_descriptor "$mod" reindex org.opensearch.index.reindex.ReindexModulePlugin \
    "Reindex, update by query and delete by query"
  cat >"$mod/plugin-security.policy" <<'EOF'
grant {
  // reindex from a remote cluster connects to the hosts its requests name (only those of reindex.remote.allowlist)
  permission java.net.SocketPermission "*", "connect,resolve";
};
EOF
}

assemble_base() {
  local staging=$BUILD_DIR/dist/.staging
  guard_not_running
  rm -rf "$staging"
  mkdir -p "$staging"

  step 1 "fetching OpenSearch $OS_VERSION, k-NN $KNN_VERSION, the painless and reindex jars from Maven Central"
  fetch_artifacts

  step 2 "unpacking the distribution"
  unzip_keep_modes "$BUILD_DIR/fetch/out/opensearch-$OS_VERSION.zip" "$staging"
  local home=$staging/opensearch-$OS_VERSION
  [[ -x "$home/bin/opensearch" ]] || die "unexpected zip layout: no $home/bin/opensearch"

  step 3 "building modules/lang-painless and modules/reindex from Maven jars"
  build_painless_module "$home"
  build_reindex_module "$home"

  step 4 "installing the k-NN plugin"
  plugin_cli "$home" install --batch "file://$BUILD_DIR/fetch/out/opensearch-knn-$KNN_VERSION.zip" >"$staging/knn-install.log" 2>&1 ||
    { cat "$staging/knn-install.log" >&2; die "k-NN install failed"; }

  echo "$BASE_STAMP" >"$home/.base-stamp"
  rm -rf "$DIST_DIR"
  mkdir -p "$(dirname "$DIST_DIR")"
  mv "$home" "$DIST_DIR"
  rm -rf "$staging" "$BUILD_DIR/fetch/out"   # the artifacts stay in ~/.m2; no need for a second copy
}

if ! $rebuild && [[ -x "$DIST_DIR/bin/opensearch" && "$(cat "$DIST_DIR/.base-stamp" 2>/dev/null)" == "$BASE_STAMP" ]]; then
  log "steps 1-4/$TOTAL: base distribution is current ($DIST_DIR)"
else
  assemble_base
fi

# --- steps 5-6: realm plugin ---------------------------------------------------------------------------------------
installed_sha="" installed_name=""
[[ -f "$PLUGIN_STAMP_FILE" ]] && read -r installed_sha installed_name <"$PLUGIN_STAMP_FILE"

remove_realm_plugin() {
  [[ -n "$installed_name" ]] || return 0
  guard_not_running
  log "removing the installed plugin $installed_name"
  plugin_cli "$DIST_DIR" remove "$installed_name" >"$BUILD_DIR/plugin-remove.log" 2>&1 ||
    { cat "$BUILD_DIR/plugin-remove.log" >&2; die "could not remove plugin $installed_name"; }
  rm -f "$PLUGIN_STAMP_FILE"
}

if $no_plugin; then
  remove_realm_plugin
  log "done in $(fmt_secs $((SECONDS - T0))): $DIST_DIR (painless, reindex, k-NN, no realm plugin)"
  exit 0
fi

step 5 "locating the realm plugin zip"
if [[ -z "$plugin_zip" ]]; then
  plugin_zip=$(newest_plugin_zip)
  if [[ -z "$plugin_zip" ]]; then
    build_plugin_zip
    plugin_zip=$(newest_plugin_zip)
    [[ -n "$plugin_zip" ]] || die "mvn package produced no target/opensearch-realm-*.zip"
  fi
fi
[[ -f "$plugin_zip" ]] || die "plugin zip not found: $plugin_zip"
sha=$(sha256sum "$plugin_zip" | cut -d' ' -f1)
name=$(zip_descriptor_value "$plugin_zip" name)

# A plugin installed by hand (no stamp) would make the install fail: treat it as ours to replace.
[[ -z "$installed_name" && -d "$DIST_DIR/plugins/$name" ]] && installed_name=$name

if [[ "$sha" == "$installed_sha" && -d "$DIST_DIR/plugins/$name" ]]; then
  log "step 6/$TOTAL: plugin $name is already installed from this zip ($(basename "$plugin_zip"))"
else
  step 6 "installing plugin $name from $plugin_zip"
  remove_realm_plugin
  guard_not_running
  # --batch accepts the extra permissions the plugin's security policy asks for.
  plugin_cli "$DIST_DIR" install --batch "file://$plugin_zip" >"$BUILD_DIR/plugin-install.log" 2>&1 ||
    { cat "$BUILD_DIR/plugin-install.log" >&2; die "installing $plugin_zip failed"; }
  echo "$sha $name" >"$PLUGIN_STAMP_FILE"
fi
log "done in $(fmt_secs $((SECONDS - T0))): $DIST_DIR (painless, reindex, k-NN, $name)"
