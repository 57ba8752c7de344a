/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import org.opensearchrealm.eval.Squad.Doc;
import org.opensearchrealm.eval.Squad.Passage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.opensearchrealm.eval.EvalLog.abbreviate;
import static org.opensearchrealm.eval.EvalLog.log;
import static org.opensearchrealm.eval.EvalLog.secs;
import static org.opensearchrealm.eval.EvalReport.round;

/**
 * The REALM index the questions are asked of: built from the corpus with {@code _bulk} (the node embeds the passages)
 * or reused as it is, and read back: its counts, its {@code index.realm.*} settings and the passages it stored.
 */
final class CorpusIndex {

    /** The nested field of the passages, in the mapping the plugin writes. */
    static final String PASSAGES = "realm_passages";

    private final NodeClient node;
    private final EvalOptions opt;

    CorpusIndex(NodeClient node, EvalOptions opt) {
        this.node = node;
        this.opt = opt;
    }

    /** Deletes and re-creates the index, indexes every document; what ingest took ({@code results.json}'s "ingest"). */
    Map<String, Object> build(List<Doc> docs) throws Exception {
        node.call("DELETE", "/" + opt.index, null);
        node.call("DELETE", "/_ingest/pipeline/realm-" + opt.index, null);
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("source_field", "text");
        create.put("model", opt.model);
        if (opt.reader != null) {
            create.put("reader", opt.reader);
        }
        create.put("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0));
        Map<String, Object> created = node.request("PUT", "/_plugins/_realm/indices/" + opt.index, create, 200);
        log("created REALM index " + opt.index + ": " + Json.write(created, false));

        List<List<Doc>> chunks = new ArrayList<>();
        for (int i = 0; i < docs.size(); i += opt.bulkSize) {
            chunks.add(docs.subList(i, Math.min(docs.size(), i + opt.bulkSize)));
        }
        log(String.format(Locale.ROOT, "indexing %d documents: %d _bulk requests of %d, %d in flight (passages are embedded on the node)",
            docs.size(), chunks.size(), opt.bulkSize, opt.clients));
        AtomicInteger done = new AtomicInteger();
        Progress progress = new Progress("indexing", docs.size(), "docs");
        long t = System.nanoTime();
        Exception failure = InFlight.run(chunks, opt.clients, chunk -> {
            bulk(chunk);
            done.addAndGet(chunk.size());
        }, progress, done::get, () -> null);
        if (failure != null) {
            throw failure;
        }
        double secs = secs(t);
        node.request("POST", "/" + opt.index + "/_refresh", null, 200);
        long count = count();
        if (count != docs.size()) {
            throw new EvalException(opt.index + " holds " + count + " documents after indexing " + docs.size());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("seconds", round(secs, 1));
        out.put("docs_per_s", round(docs.size() / secs, 2));
        out.put("bulk_size", opt.bulkSize);
        out.put("clients", opt.clients);
        return out;
    }

    private void bulk(List<Doc> chunk) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Doc d : chunk) {
            b.append(Json.write(Map.of("index", Map.of("_index", opt.index, "_id", d.id())), false)).append('\n');
            b.append(Json.write(d.source(), false)).append('\n');
        }
        Map<String, Object> resp = node.request("POST", "/_bulk", b.toString(), 200);
        if (Boolean.TRUE.equals(resp.get("errors"))) {
            @SuppressWarnings("unchecked")
            List<Map<String, Map<String, Object>>> items = (List<Map<String, Map<String, Object>>>) resp.get("items");
            List<Map<String, Object>> failed = items.stream().map(i -> i.values().iterator().next()).filter(i -> i.containsKey("error")).toList();
            throw new EvalException("bulk: " + failed.size() + " of " + chunk.size() + " documents failed; first (" + failed.get(0).get("_id") + "): "
                + abbreviate(Json.write(Map.of("error", failed.get(0).get("error")), false), 600));
        }
    }

    /** Keeps the index as it is when it holds as many documents as the corpus (--reuse-index). */
    Map<String, Object> reuse(int docs) {
        NodeClient.Response r = node.call("GET", "/" + opt.index + "/_count", null);
        if (r.status() == 404) {
            throw new EvalException("--reuse-index: there is no index " + opt.index + " (run without --reuse-index to build it)");
        }
        long count = count();
        if (count != docs) {
            throw new EvalException("--reuse-index: " + opt.index + " holds " + count + " documents, the corpus " + docs + " (run without --reuse-index)");
        }
        log("reusing index " + opt.index + " (" + count + " documents) as it is");
        return Map.of("reused", true);
    }

    private long count() {
        return ((Number) node.request("GET", "/" + opt.index + "/_count", null, 200).get("count")).longValue();
    }

    /** Passages = Lucene documents (sources and their nested passages) minus sources. */
    @SuppressWarnings("unchecked")
    long countPassages(long docs) {
        Map<String, Object> st = node.request("GET", "/" + opt.index + "/_stats/docs", null, 200);
        Map<String, Object> all = (Map<String, Object>) ((Map<String, Object>) st.get("_all")).get("primaries");
        return ((Number) ((Map<String, Object>) all.get("docs")).get("count")).longValue() - docs;
    }

    /** The passages of these documents as stored (number and text), by document id. */
    @SuppressWarnings("unchecked")
    Map<String, List<Passage>> storedPassages(Set<String> ids) {
        Map<String, List<Passage>> out = new HashMap<>();
        List<String> list = new ArrayList<>(ids);
        for (int i = 0; i < list.size(); i += 500) {
            List<String> batch = list.subList(i, Math.min(list.size(), i + 500));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("query", Map.of("ids", Map.of("values", batch)));
            body.put("size", batch.size());
            body.put("_source", Map.of("includes", List.of(PASSAGES + ".num", PASSAGES + ".text")));
            Map<String, Object> resp = node.request("POST", "/" + opt.index + "/_search", body, 200);
            for (Object h : (List<Object>) ((Map<String, Object>) resp.get("hits")).get("hits")) {
                Map<String, Object> hit = (Map<String, Object>) h;
                List<Passage> ps = new ArrayList<>();
                Map<String, Object> src = (Map<String, Object>) hit.getOrDefault("_source", Map.of());
                for (Object p : (List<Object>) src.getOrDefault(PASSAGES, List.of())) {
                    Map<String, Object> m = (Map<String, Object>) p;
                    ps.add(new Passage(((Number) m.get("num")).intValue(), String.valueOf(m.get("text"))));
                }
                out.put(String.valueOf(hit.get("_id")), ps);
            }
        }
        return out;
    }

    /** The index's {@code index.realm.*} settings (model, source field, and a reader when the plugin has one). */
    @SuppressWarnings("unchecked")
    Map<String, Object> realmSettings() {
        Map<String, Object> s = node.request("GET", "/" + opt.index + "/_settings?flat_settings=true&include_defaults=true", null, 200);
        Map<String, Object> out = new TreeMap<>();
        for (Object idx : s.values()) {
            for (String part : new String[] { "defaults", "settings" }) { // the index's own settings win
                Map<String, Object> settings = (Map<String, Object>) ((Map<String, Object>) idx).getOrDefault(part, Map.of());
                settings.forEach((k, v) -> {
                    if (k.startsWith("index.realm.")) {
                        out.put(k, v);
                    }
                });
            }
        }
        return out;
    }
}
