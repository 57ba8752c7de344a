/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.common.CheckedSupplier;
import org.opensearchrealm.rest.HostileCases.Expect;
import org.opensearchrealm.rest.JsonMutations.Draft;
import org.opensearchrealm.rest.JsonMutations.Mutation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.opensearch.test.OpenSearchTestCase.between;
import static org.opensearch.test.OpenSearchTestCase.randomBoolean;
import static org.opensearch.test.OpenSearchTestCase.randomFrom;
import static org.opensearch.test.OpenSearchTestCase.randomRealisticUnicodeOfCodepointLengthBetween;
import static org.opensearchrealm.rest.HostileCases.JSON;
import static org.opensearchrealm.rest.HostileCases.NDJSON;
import static org.opensearchrealm.rest.JsonMutations.DUPLICATE_KEY;
import static org.opensearchrealm.rest.JsonMutations.INVALID_UTF8;
import static org.opensearchrealm.rest.JsonMutations.INVALID_UTF8_IN_A_VALUE;
import static org.opensearchrealm.rest.JsonMutations.MEGABYTE;
import static org.opensearchrealm.rest.JsonMutations.OVERSIZED_TOKEN;
import static org.opensearchrealm.rest.JsonMutations.TRUNCATED;
import static org.opensearchrealm.rest.JsonMutations.UNREADABLE_CONTENT_TYPE;
import static org.opensearchrealm.rest.JsonMutations.bytes;
import static org.opensearchrealm.rest.JsonMutations.concat;
import static org.opensearchrealm.rest.RealmRestSupport.json;
import static org.opensearchrealm.rest.RealmRestSupport.obj;

/**
 * Hostile documents into a REALM index ({@code _doc}, {@code _bulk}) and {@code _simulate} of pipelines with
 * {@code realm_passages}. OpenSearch parses these bodies, not the plugin: they take the table's mutations that
 * OpenSearch refuses as well.
 */
final class IngestCases {

    /** Bodies that are JSON but not one document. */
    private static final Mutation NOT_A_DOCUMENT = d -> d.replace("not an object", bytes(randomFrom("[]", "[{\"text\":\"a\"}]", "\"text\"", "42", "null", "true", "")));

    private final HostileCases out;
    private final String docs;

    IngestCases(HostileCases out) {
        this.out = out;
        this.docs = "/" + out.ingestIndex + "/_doc/";
    }

    /** Source fields that are no text: the wrong type, or text wrapped where the processor does not look. */
    private static Object badText() {
        return randomFrom(
            42,
            -0.5,
            true,
            List.of("a", "b"),
            List.of(obj("text", "nested")),
            obj("text", "wrapped"),
            obj("text", "x".repeat(MEGABYTE)),
            List.of(List.of(List.of()))
        );
    }

    // --- PUT /{index}/_doc/{id} into a REALM index --------------------------------------------------------------------

    void documents(int n) throws IOException {
        Mutation badParameter = d -> {
            d.what = "bad parameter";
            d.params = Map.of(
                randomFrom("pipeline", "refresh", "op_type", "version", "version_type", "if_seq_no", "timeout", "wait_for_active_shards", "no_such_param"),
                randomFrom("no-such-pipeline", "maybe", "-1x")
            );
        };
        Mutation oddId = d -> {
            d.what = "odd id";
            d.path = docs + randomFrom("x".repeat(between(513, 2000)), "%C3%A9".repeat(300));
        };
        Mutation wrongText = JsonMutations.wrongValue(List.of("text"), field -> badText());
        List<Mutation> table = List.of(
            TRUNCATED,
            // inside a value: OpenSearch's JSON parser takes some field names with an invalid byte (see the report)
            INVALID_UTF8_IN_A_VALUE,
            wrongText,
            wrongText,
            DUPLICATE_KEY,
            NOT_A_DOCUMENT,
            OVERSIZED_TOKEN,
            badParameter,
            oddId,
            UNREADABLE_CONTENT_TYPE
        );
        out.fuzz("_doc", "PUT", n, i -> docs + "doc-" + i, i -> obj("title", "t" + i, "text", "Tea and coffee on a sunny day."), table);
        // odd but valid documents: indexed (and embedded) or refused with a reason, never a 5xx
        List<CheckedSupplier<String, IOException>> odd = List.of(
            () -> json(obj("text", "")),
            () -> json(obj("text", null)),
            () -> json(obj("title", "no text field")),
            () -> "{\"text\":\"lone \\udc00 surrogate \\ud800\"}",
            () -> json(obj("text", randomRealisticUnicodeOfCodepointLengthBetween(1, 300))),
            () -> json(obj("text", "\u0000\u0001\u0007\u001b[31m control characters \u202e reversed \ufeff")),
            () -> json(obj("text", "🍵".repeat(500))),
            () -> json(obj("text", "a", "realm_passages", List.of(obj("vector", "not a vector", "text", "injected")))),
            () -> json(obj("realm_passages", List.of(obj("vector", List.of(1, 2), "number", -1)))),
            () -> json(obj("text", "word ".repeat(3000)))
        );
        for (int i = 0; i < 20; i++) {
            put("odd but valid document", "odd-" + i, Map.of(), bytes(odd.get(i % odd.size()).get()));
        }
        put("overlong UTF-8 in the text", "overlong", Map.of(), concat("{\"text\":\"a", new byte[] { (byte) 0xC0, (byte) 0xAF }, "\"}"));
        // OpenSearch indexes the first object and ignores what follows it
        put("two objects", "two-objects", Map.of(), bytes("{\"text\":\"a\"} {\"text\":\"b\"}"));
        put("bypassing the pipeline", "no-pipeline", Map.of("pipeline", "_none"), bytes(json(obj("text", "stored without passages"))));
    }

    /** An odd but valid document: indexed or refused with a reason. */
    private void put(String what, String id, Map<String, String> params, byte[] body) {
        out.add("_doc", what, "PUT", docs + id, params, body, JSON, Expect.ANY);
    }

    // --- POST /{index}/_bulk into a REALM index -----------------------------------------------------------------------

    /** A source line no document can be made of: a document broken by the table, or JSON that is not an object. */
    private static String badSourceLine(int i) throws IOException {
        Draft d = new Draft(null, obj("text", "item " + i));
        randomFrom(List.of(TRUNCATED, JsonMutations.wrongValue(List.of("text"), field -> badText()), DUPLICATE_KEY, OVERSIZED_TOKEN, NOT_A_DOCUMENT))
            .apply(d);
        return new String(d.body(), StandardCharsets.UTF_8);
    }

    void bulks(int n) throws IOException {
        String path = "/" + out.ingestIndex + "/_bulk";
        for (int i = 0; i < n; i++) {
            StringBuilder body = new StringBuilder();
            String what;
            Expect expect = Expect.REJECTED;
            switch (between(0, 4)) {
                case 0, 1 -> {
                    what = "items with bad documents";
                    expect = Expect.ITEMS_REJECTED;
                    for (int item = between(1, 4); item > 0; item--) {
                        body.append(json(obj(randomFrom("index", "create"), obj("_id", "bulk-" + i + "-" + item)))).append('\n');
                        body.append(badSourceLine(i)).append('\n');
                    }
                }
                case 2 -> {
                    what = "update of a missing document";
                    expect = Expect.ITEMS_REJECTED;
                    body.append(json(obj("update", obj("_id", "missing-" + i)))).append('\n');
                    body.append(json(obj("doc", obj("text", "never embedded")))).append('\n');
                }
                case 3 -> {
                    what = "malformed action line";
                    body.append(randomFrom("{\"index\":", "{\"no_such_action\":{}}", "[]", "{\"index\":{\"_id\":\"a\",\"bogus\":1}}", "\"index\""));
                    body.append('\n').append(json(obj("text", "a"))).append('\n');
                }
                default -> {
                    what = "unterminated or empty";
                    body.append(randomFrom("", "\n", json(obj("index", obj())) + "\n" + json(obj("text", "no final newline"))));
                }
            }
            out.add("_bulk", what, "POST", path, Map.of(), bytes(body.toString()), NDJSON, expect);
        }
        String one = json(obj("index", obj("_id", "b"))) + "\n" + json(obj("text", "a")) + "\n";
        out.add("_bulk", "invalid UTF-8 in an action line", "POST", path, Map.of(), concat("{\"index\":{\"_id\":\"", INVALID_UTF8[0], "\"}}\n{\"text\":\"a\"}\n"), NDJSON, Expect.REJECTED);
        out.add("_bulk", "unknown parameter", "POST", path, Map.of("no_such_param", "1"), bytes(one), NDJSON, Expect.REJECTED);
        out.add("_bulk", "bad refresh", "POST", path, Map.of("refresh", "maybe"), bytes(one), NDJSON, Expect.REJECTED);
        out.add("_bulk", "unreadable content type", "POST", path, Map.of(), bytes(one), "text/plain", Expect.REJECTED);
    }

    // --- _simulate of a pipeline with realm_passages ------------------------------------------------------------------

    private static Object badProcessorValue(String key) {
        return switch (key) {
            case "field" -> randomFrom(List.of("text"), obj(), 5);
            case "model" -> randomFrom(List.of("m"), obj(), "", "no-such-model", "tiny-qa-pick");
            case "passage_tokens" -> randomFrom("x", 0, -1, 255, Integer.MAX_VALUE, List.of(3));
            case "overlap_tokens" -> randomFrom("x", -1, 200, 10000, obj());
            default -> throw new AssertionError(key);
        };
    }

    private static Map<String, Object> pipeline(Map<String, Object> config) {
        return obj("processors", List.of(obj("realm_passages", config)));
    }

    void simulations(int n) throws IOException {
        String inline = "/_ingest/pipeline/_simulate";
        String stored = "/_ingest/pipeline/realm-" + out.ingestIndex + "/_simulate";
        for (int i = 0; i < n; i++) {
            Map<String, Object> config = obj("field", "text", "model", "all-minilm-l6-v2");
            List<Object> docs = List.of(obj("_source", obj("text", "the cat sat on the mat")));
            Map<String, String> params = randomBoolean() ? Map.of("verbose", "true") : Map.of();
            String what;
            Expect expect = Expect.REJECTED;
            String path = inline;
            byte[] body;
            switch (between(0, 8)) {
                case 0, 1 -> {
                    String key = randomFrom(List.of("field", "model", "passage_tokens", "overlap_tokens"));
                    what = "bad processor option: " + key;
                    config.put(key, badProcessorValue(key));
                    body = bytes(json(obj("pipeline", pipeline(config), "docs", docs)));
                }
                case 2 -> {
                    what = "missing or unknown processor option";
                    if (randomBoolean()) {
                        config.remove(randomFrom(List.of("field", "model")));
                    } else {
                        config.put(randomFrom("no_such_option", "vector_field", "dimension"), 1);
                    }
                    body = bytes(json(obj("pipeline", pipeline(config), "docs", docs)));
                }
                case 3, 4 -> {
                    what = "documents with text of the wrong type";
                    expect = Expect.DOCS_REJECTED;
                    List<Object> bad = new ArrayList<>();
                    for (int d = between(1, 3); d > 0; d--) {
                        bad.add(obj("_source", obj("text", badText())));
                    }
                    Map<String, Object> request = obj("docs", bad);
                    if (randomBoolean()) {
                        request.put("pipeline", pipeline(config));
                    } else {
                        path = stored;
                    }
                    body = bytes(json(request));
                }
                case 5 -> {
                    what = "malformed docs";
                    path = randomBoolean() ? inline : stored;
                    Map<String, Object> request = obj("docs", randomFrom("x", 1, List.of(), List.of("x"), List.of(obj("_source", "x")), obj()));
                    if (path.equals(inline)) {
                        request.put("pipeline", pipeline(config));
                    }
                    body = bytes(json(request));
                }
                case 6 -> {
                    Draft d = new Draft(randomBoolean() ? inline : stored, obj("pipeline", pipeline(config), "docs", docs));
                    randomFrom(List.of(TRUNCATED, INVALID_UTF8_IN_A_VALUE)).apply(d);
                    what = d.what;
                    path = d.path;
                    body = d.body();
                }
                case 7 -> {
                    what = "unknown pipeline";
                    path = "/_ingest/pipeline/realm-no-such-index/_simulate";
                    body = bytes(json(obj("docs", docs)));
                }
                default -> {
                    what = "bad verbose parameter";
                    params = Map.of("verbose", randomFrom("maybe", "2"));
                    body = bytes(json(obj("pipeline", pipeline(config), "docs", docs)));
                }
            }
            out.add("_simulate", what, "POST", path, params, body, JSON, expect);
        }
        Map<String, Object> odd = obj("field", "text", "model", "all-minilm-l6-v2", "passage_tokens", 8, "overlap_tokens", 7);
        List<Object> oddDocs = List.of(obj("_source", obj("text", "\u202e🍵 \\ud800 " + "tea ".repeat(100))));
        out.add("_simulate", "odd but valid text", "POST", inline, Map.of(), bytes(json(obj("pipeline", pipeline(odd), "docs", oddDocs))), JSON, Expect.ANY);
    }
}
