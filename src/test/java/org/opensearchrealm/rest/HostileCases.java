/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.common.CheckedSupplier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.opensearch.test.OpenSearchTestCase.between;
import static org.opensearch.test.OpenSearchTestCase.randomAlphaOfLength;
import static org.opensearch.test.OpenSearchTestCase.randomBoolean;
import static org.opensearch.test.OpenSearchTestCase.randomFrom;
import static org.opensearch.test.OpenSearchTestCase.randomRealisticUnicodeOfCodepointLengthBetween;
import static org.opensearchrealm.rest.RealmRestSupport.json;
import static org.opensearchrealm.rest.RealmRestSupport.obj;
import static org.opensearchrealm.rest.JsonMutations.INVALID_UTF8;
import static org.opensearchrealm.rest.JsonMutations.MEGABYTE;
import static org.opensearchrealm.rest.JsonMutations.bytes;
import static org.opensearchrealm.rest.JsonMutations.concat;
import static org.opensearchrealm.rest.JsonMutations.notAnObject;
import static org.opensearchrealm.rest.JsonMutations.oversizedToken;
import static org.opensearchrealm.rest.JsonMutations.randomValue;
import static org.opensearchrealm.rest.JsonMutations.truncated;
import static org.opensearchrealm.rest.JsonMutations.unknownFieldName;
import static org.opensearchrealm.rest.JsonMutations.withDuplicateKey;
import static org.opensearchrealm.rest.JsonMutations.withInvalidUtf8;

/**
 * Malformed, oversized and adversarial requests to every endpoint of the plugin, drawn from the test's seeded random
 * generator (so that {@code -Dtests.seed} replays the same requests). Each case says what it must get: a 4xx with a
 * reason ({@link Expect#REJECTED}; for {@code _bulk} and {@code _simulate}, failures of every item or document count
 * as well), or, for the few inputs that are odd but valid, a 2xx or a 4xx with a reason ({@link Expect#ANY}).
 */
final class HostileCases {

    enum Expect {
        REJECTED,
        /** {@code _bulk}: the whole request is a 4xx, or every item fails with a 4xx and a reason. */
        ITEMS_REJECTED,
        /** {@code _simulate}: the whole request is a 4xx, or every document fails with a reason. */
        DOCS_REJECTED,
        ANY
    }

    record Case(String endpoint, String what, String method, String path, Map<String, String> params, byte[] body, String contentType,
        Expect expect) {

        @Override
        public String toString() {
            String shown = body == null ? "no body" : body.length > 300 ? body.length + " bytes" : new String(body, StandardCharsets.UTF_8);
            return endpoint + " [" + what + "] " + method + " " + path + " " + params + " (" + contentType + ") " + shown;
        }
    }

    static final String JSON = "application/json";
    static final String NDJSON = "application/x-ndjson";
    /** Content types OpenSearch does not read (406). */
    private static final String[] UNREADABLE_TYPES = {
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "image/png",
        "garbage" };

    private final String kb;
    private final String ingestIndex;
    private final int maxK;
    private final int maxQueryChars;
    private final List<Case> cases = new ArrayList<>();

    /**
     * @param kb          the REALM index questions are asked of; nothing may change it
     * @param ingestIndex the REALM index hostile documents are sent to
     */
    HostileCases(String kb, String ingestIndex, int maxK, int maxQueryChars) {
        this.kb = kb;
        this.ingestIndex = ingestIndex;
        this.maxK = maxK;
        this.maxQueryChars = maxQueryChars;
    }

    List<Case> all() throws IOException {
        searchBodies(450);
        searchParams(130);
        indexNames(40);
        createBodies(200);
        documents(160);
        bulks(100);
        simulations(120);
        return cases;
    }

    // --- POST /{index}/_realm -----------------------------------------------------------------------------------------

    private Map<String, Object> validQuestion() {
        Map<String, Object> body = obj("query", randomFrom("how do volcanoes form?", "what leavens sourdough?", "chess openings"), "k", between(1, 10));
        if (randomBoolean()) {
            body.put("num_answers", between(1, 20));
        }
        if (randomBoolean()) {
            body.put("explain", randomBoolean());
        }
        if (randomBoolean()) {
            body.put("read", randomBoolean());
        }
        if (randomBoolean()) {
            body.put("filter", obj("match_all", obj()));
        }
        return body;
    }

    /** Values of a wrong type or out of range for each field of a question. */
    private Object badQuestionValue(String field) {
        return switch (field) {
            case "query" -> randomFrom(
                42,
                true,
                List.of("a", "b"),
                obj("text", "a"),
                "",
                "   \t\n",
                "q".repeat(maxQueryChars + between(1, 1000)),
                "x".repeat(MEGABYTE)
            );
            case "k", "num_answers" -> randomFrom(
                "5",
                1.5,
                true,
                List.of(1),
                obj(),
                0,
                -1,
                Integer.MIN_VALUE,
                field.equals("k") ? maxK + between(1, 1000) : 21,
                Integer.MAX_VALUE,
                Long.MAX_VALUE,
                1e300,
                new java.math.BigInteger("9".repeat(between(20, 900)))
            );
            case "explain", "read" -> randomFrom("true", "yes", 1, 0, List.of(true), obj());
            case "filter" -> randomFrom("match_all", 1, true, List.of(obj("match_all", obj())));
            default -> throw new AssertionError(field);
        };
    }

    /** Filters that parse as JSON but are not queries a shard can run, scripts included. */
    private static final String[] BAD_FILTERS = {
        "{\"no_such_query\":{}}",
        "{\"match\":{}}",
        "{\"match_all\":{},\"match_none\":{}}",
        "{\"match_all\":{\"boost\":\"high\"}}",
        "{\"bool\":{\"must\":\"x\"}}",
        "{\"ids\":{\"values\":{}}}",
        "{\"term\":{\"realm_passages.vector\":\"x\"}}",
        "{\"knn\":{\"realm_passages.vector\":{\"vector\":[1],\"k\":1}}}",
        "{\"nested\":{\"path\":\"no_such_path\",\"query\":{\"match_all\":{}}}}",
        "{\"geo_shape\":{\"text\":{\"shape\":{\"type\":\"point\",\"coordinates\":[1,2]}}}}",
        "{\"more_like_this\":{\"like\":\"x\"}}",
        "{\"terms\":{\"text\":{\"index\":\"no-such-index\",\"id\":\"1\",\"path\":\"x\"}}}",
        "{\"regexp\":{\"text\":\"(a+)+(b+)+.{1000000}\"}}",
        "{\"query_string\":{\"query\":\"(((\"}}",
        "{\"wrapper\":{\"query\":\"bm90IGpzb24=\"}}",
        "{\"script\":{\"script\":{\"source\":\"doc['no_such_field'].value > 1\"}}}",
        "{\"script\":{\"script\":{\"source\":\"1/0 == 1\"}}}",
        "{\"script\":{\"script\":{\"source\":\"int i = 0; while (i >= 0) { i++; } return true;\"}}}",
        "{\"script\":{\"script\":{\"source\":\"java.lang.System.exit(0)\"}}}",
        "{\"script\":{\"script\":{\"source\":\"new java.io.File('/etc/passwd').exists()\"}}}",
        "{\"script\":{\"script\":{\"source\":\"Runtime.getRuntime().halt(0)\"}}}",
        "{\"script\":{\"script\":{\"source\":\"true\",\"lang\":\"no-such-lang\"}}}",
        "{\"script\":{\"script\":{\"id\":\"no-such-script\"}}}",
        "{\"script\":{\"script\":{\"source\":\"params.x\",\"params\":\"not an object\"}}}",
        "{\"script\":{\"script\":{\"source\":\"throw new IllegalStateException('boom')\"}}}" };

    private void searchBodies(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Map<String, Object> valid = validQuestion();
            String field = randomFrom(List.of("query", "k", "num_answers", "explain", "read", "filter"));
            int kind = between(0, 10);
            String what;
            byte[] body;
            switch (kind) {
                case 0 -> {
                    what = "truncated body";
                    body = truncated(json(valid));
                }
                case 1 -> {
                    what = "invalid UTF-8";
                    body = withInvalidUtf8(json(valid));
                }
                case 2 -> {
                    what = "wrong type or out of range: " + field;
                    valid.put(field, badQuestionValue(field));
                    body = bytes(json(valid));
                }
                case 3 -> {
                    what = "unknown field";
                    valid.put(unknownFieldName(valid), randomValue());
                    body = bytes(json(valid));
                }
                case 4 -> {
                    what = "duplicate key";
                    body = withDuplicateKey(valid);
                }
                case 5 -> {
                    what = "deeply nested filter";
                    valid.put("filter", "@FILTER@");
                    body = bytes(json(valid).replace("\"@FILTER@\"", deepFilter()));
                }
                case 6 -> {
                    what = "bad filter";
                    valid.put("filter", "@FILTER@");
                    body = bytes(json(valid).replace("\"@FILTER@\"", randomFrom(BAD_FILTERS)));
                }
                case 7 -> {
                    what = "not an object";
                    body = bytes(notAnObject(json(valid)));
                }
                case 8 -> {
                    what = "oversized token";
                    body = bytes(oversizedToken(json(valid)));
                }
                case 9 -> {
                    what = "missing query";
                    valid.remove("query");
                    body = bytes(json(valid));
                }
                default -> {
                    what = "unreadable content type";
                    add("_realm POST", what, "POST", "/" + kb + "/_realm", Map.of(), bytes(json(valid)), randomFrom(UNREADABLE_TYPES), Expect.REJECTED);
                    continue;
                }
            }
            add("_realm POST", what, "POST", "/" + kb + "/_realm", Map.of(), body, JSON, Expect.REJECTED);
        }
        // odd but valid: the few inputs a strict parser still accepts
        String valid = json(obj("query", "what leavens sourdough?", "k", 3));
        // not valid UTF-8, though Jackson lets them through: the plugin checks the bytes itself
        add("_realm POST", "overlong UTF-8 in the query", "POST", "/" + kb + "/_realm", Map.of(), concat(valid.substring(0, 12), new byte[] { (byte) 0xC0, (byte) 0xAF }, valid.substring(12)), JSON, Expect.REJECTED);
        add("_realm POST", "invalid byte in a field name", "POST", "/" + kb + "/_realm", Map.of(), concat("{\"query\":\"chess\",\"expl", new byte[] { (byte) 0xFF }, "ain\":true}"), JSON, Expect.REJECTED);
        add("_realm POST", "lone surrogate escape", "POST", "/" + kb + "/_realm", Map.of(), bytes("{\"query\":\"cat \\ud800 dog\"}"), JSON, Expect.ANY);
        add("_realm POST", "UTF-8 of a surrogate", "POST", "/" + kb + "/_realm", Map.of(), concat("{\"query\":\"cat ", new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, "\"}"), JSON, Expect.REJECTED);
        add("_realm POST", "a megabyte of whitespace", "POST", "/" + kb + "/_realm", Map.of(), bytes(" ".repeat(MEGABYTE) + valid), JSON, Expect.ANY);
        add("_realm POST", "YAML body", "POST", "/" + kb + "/_realm", Map.of(), bytes("query: what leavens sourdough?\nk: 2\n"), "application/yaml", Expect.ANY);
        add("_realm POST", "JSON sent as CBOR", "POST", "/" + kb + "/_realm", Map.of(), bytes(valid), "application/cbor", Expect.REJECTED);
        add("_realm POST", "JSON sent as SMILE", "POST", "/" + kb + "/_realm", Map.of(), bytes(valid), "application/smile", Expect.REJECTED);
        add("_realm POST", "valid script filter", "POST", "/" + kb + "/_realm", Map.of(), bytes("{\"query\":\"bread\",\"filter\":{\"script\":{\"script\":{\"source\":\"true\"}}}}"), JSON, Expect.ANY);
    }

    /** A filter nested deeper than the plugin allows: bool clauses, or arrays inside a terms query. */
    private static String deepFilter() {
        int depth = between(51, 1500);
        if (randomBoolean()) {
            return "{\"bool\":{\"must\":".repeat(depth) + "{\"match_all\":{}}" + "}}".repeat(depth);
        }
        return "{\"terms\":{\"text\":" + "[".repeat(depth * 2) + "]".repeat(depth * 2) + "}}";
    }

    // --- GET (and POST) /{index}/_realm with URL parameters -----------------------------------------------------------

    private void searchParams(int n) {
        for (int i = 0; i < n; i++) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("q", "how do volcanoes form?");
            String what;
            switch (between(0, 7)) {
                case 0 -> {
                    what = "bad k";
                    params.put("k", randomFrom("abc", "-1", "0", "1.5", "99999999999", "", " 3", "0x10", String.valueOf(maxK + between(1, 100))));
                }
                case 1 -> {
                    what = "bad num_answers";
                    params.put("num_answers", randomFrom("0", "21", "-3", "many", "", "1e3"));
                }
                case 2 -> {
                    what = "bad boolean";
                    params.put(randomFrom("explain", "read"), randomFrom("maybe", "yes", "1", "TRUE!", "tru"));
                }
                case 3 -> {
                    what = "unknown parameter";
                    params.put(randomFrom("filter", "size", "from", "query", "kk", "x_" + randomAlphaOfLength(between(1, 40))), "1");
                }
                case 4 -> {
                    what = "bad q";
                    params.put("q", randomFrom("", " ", "\t", "q".repeat(maxQueryChars + between(1, 500))));
                }
                case 5 -> {
                    what = "bad source parameter";
                    params.remove("q");
                    params.put("source", randomFrom("{", "[]", "{\"query\":1}", "{\"query\":\"a\",\"bogus\":1}", "not json"));
                    params.put("source_content_type", JSON);
                }
                case 6 -> {
                    what = "bad source_content_type";
                    params.remove("q");
                    params.put("source", "{\"query\":\"a\"}");
                    if (randomBoolean()) {
                        params.put("source_content_type", randomFrom("text/plain", "garbage", "", "application/xml"));
                    }
                }
                default -> {
                    what = "k of zero";
                    params.put("read", "true");
                    params.put("k", "0");
                }
            }
            add("_realm GET", what, randomFrom("GET", "POST"), "/" + kb + "/_realm", params, null, null, Expect.REJECTED);
        }
        for (String method : new String[] { "PUT", "DELETE", "PATCH" }) {
            add("_realm GET", "method not allowed", method, "/" + kb + "/_realm", Map.of("q", "a"), null, null, Expect.REJECTED);
        }
    }

    // --- index names, for _realm and for PUT /_plugins/_realm/indices/{index} ------------------------------------------

    /** Index names OpenSearch refuses, percent-encoded for the URL; each is also asked as a _realm target. */
    private static String oddIndexName() {
        return randomFrom(
            "UPPER",
            "_underscore",
            "-dash",
            "%2Bplus",
            "a%20space",
            "a%22quote",
            "a%2Astar",
            "a%5Cbackslash",
            "a%3Cangle%3E",
            "a%7Cpipe",
            "a%2Ccomma",
            "a%3Fquestion",
            "a%23hash",
            "a%3Acolon",
            "%2E",
            "%2E%2E",
            "x".repeat(between(256, 400)),
            "%C3%A9".repeat(130), // 260 bytes, 130 characters
            "a%00nul"
        );
    }

    private void indexNames(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            String name = oddIndexName();
            add("create", "odd index name", "PUT", "/_plugins/_realm/indices/" + name, Map.of(), bytes(json(validCreate())), JSON, Expect.REJECTED);
            Map<String, String> params = Map.of("q", "what is this?");
            // a star is a wildcard to _realm, as to _search: matching nothing is an empty answer
            Expect expect = name.contains("%2A") ? Expect.ANY : Expect.REJECTED;
            add("_realm GET", "odd index name", randomFrom("GET", "POST"), "/" + name + "/_realm", params, null, null, expect);
        }
        add("_realm GET", "unknown index", "GET", "/no-such-index/_realm", Map.of("q", "a"), null, null, Expect.REJECTED);
        add("_realm GET", "known and unknown index", "GET", "/" + kb + ",no-such-index/_realm", Map.of("q", "a"), null, null, Expect.REJECTED);
        add("_realm GET", "wildcard matching nothing", "GET", "/no-such-*/_realm", Map.of("q", "a"), null, null, Expect.ANY);
        add("_realm GET", "unknown hidden index and _all", "GET", "/.no-such-hidden,_all/_realm", Map.of("q", "a"), null, null, Expect.REJECTED);
    }

    // --- PUT /_plugins/_realm/indices/{index} -------------------------------------------------------------------------

    private Map<String, Object> validCreate() {
        Map<String, Object> body = obj("settings", obj("number_of_shards", 1, "number_of_replicas", 0));
        if (randomBoolean()) {
            body.put("passage_tokens", between(16, 200));
            body.put("overlap_tokens", between(0, 8));
        }
        return body;
    }

    private Object badCreateValue(String field) {
        return switch (field) {
            case "source_field" -> randomFrom(1, List.of("text"), obj(), "", " ", "realm_passages", "realm_passages.text", "_id", "_source", "a..b", ".");
            case "model" -> randomFrom(1, List.of("m"), obj(), "", "no-such-model", "tiny-qa-pick", "../../etc/passwd", "x".repeat(5000));
            case "reader" -> randomFrom(1, true, obj(), "no-such-reader", "all-minilm-l6-v2", "../tiny-qa-pick");
            case "passage_tokens" -> randomFrom("200", 1.5, 0, -1, 255, 100000, Integer.MAX_VALUE, Long.MAX_VALUE, List.of(1));
            case "overlap_tokens" -> randomFrom("8", -1, 200, Integer.MAX_VALUE, Integer.MIN_VALUE, obj());
            case "settings" -> randomFrom(
                "x",
                1,
                List.of(1),
                obj("index.knn", false),
                obj("index.default_pipeline", "_none"),
                obj("index.realm.model", "bge-small-en-v15"),
                obj("index.realm.reader", "tiny-qa-pick"),
                obj("number_of_shards", 0),
                obj("number_of_shards", -1),
                obj("number_of_shards", "many"),
                obj("number_of_replicas", -1),
                obj("no.such.setting", 1),
                obj("index", obj("no_such", obj("nested", 1))),
                obj("index.realm.no_answer_threshold", 2.5),
                obj("index.realm.max_answer_tokens", -4)
            );
            default -> throw new AssertionError(field);
        };
    }

    private void createBodies(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            String path = "/_plugins/_realm/indices/hostile-create-" + i;
            Map<String, Object> valid = validCreate();
            String field = randomFrom(List.of("source_field", "model", "reader", "passage_tokens", "overlap_tokens", "settings"));
            String what;
            byte[] body;
            switch (between(0, 8)) {
                case 0 -> {
                    what = "truncated body";
                    body = truncated(json(valid));
                }
                case 1 -> {
                    what = "invalid UTF-8";
                    body = withInvalidUtf8(json(valid));
                }
                case 2, 3 -> {
                    what = "wrong type or out of range: " + field;
                    valid.put(field, badCreateValue(field));
                    body = bytes(json(valid));
                }
                case 4 -> {
                    what = "unknown field";
                    valid.put(unknownFieldName(valid), randomValue());
                    body = bytes(json(valid));
                }
                case 5 -> {
                    what = "duplicate key";
                    body = withDuplicateKey(valid);
                }
                case 6 -> {
                    what = "not an object";
                    body = bytes(notAnObject(json(valid)));
                }
                case 7 -> {
                    what = "oversized token";
                    body = bytes(oversizedToken(json(valid)));
                }
                default -> {
                    what = "unreadable content type";
                    add("create", what, "PUT", path, Map.of(), bytes(json(valid)), randomFrom(UNREADABLE_TYPES), Expect.REJECTED);
                    continue;
                }
            }
            add("create", what, "PUT", path, Map.of(), body, JSON, Expect.REJECTED);
        }
        add("create", "deeply nested settings", "PUT", "/_plugins/_realm/indices/hostile-deep", Map.of(), bytes("{\"settings\":" + "{\"a\":".repeat(1500) + "1" + "}".repeat(1500) + "}"), JSON, Expect.REJECTED);
        add("create", "unknown parameter", "PUT", "/_plugins/_realm/indices/hostile-param", Map.of("pretty_please", "1"), bytes(json(validCreate())), JSON, Expect.REJECTED);
        add("create", "existing index", "PUT", "/_plugins/_realm/indices/" + kb, Map.of(), bytes(json(validCreate())), JSON, Expect.REJECTED);
        add("create", "no index name", "PUT", "/_plugins/_realm/indices/", Map.of(), bytes(json(validCreate())), JSON, Expect.REJECTED);
        add("create", "unicode index name", "PUT", "/_plugins/_realm/indices/%C3%AFndex-%E2%9C%93", Map.of(), bytes(json(validCreate())), JSON, Expect.ANY);
    }

    // --- PUT /{index}/_doc/{id} into a REALM index --------------------------------------------------------------------

    private Object badText() {
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

    private void documents(int n) throws IOException {
        String path = "/" + ingestIndex + "/_doc/";
        for (int i = 0; i < n; i++) {
            Map<String, Object> valid = obj("title", "t" + i, "text", "Tea and coffee on a sunny day.");
            String what;
            byte[] body;
            Map<String, String> params = Map.of();
            String id = "doc-" + i;
            switch (between(0, 9)) {
                case 0 -> {
                    what = "truncated body";
                    body = truncated(json(valid));
                }
                case 1 -> {
                    // inside a value: OpenSearch's JSON parser takes some field names with an invalid byte (see the report)
                    what = "invalid UTF-8 in the text";
                    body = concat("{\"title\":\"t" + i + "\",\"text\":\"Tea and ", randomFrom(INVALID_UTF8), " coffee.\"}");
                }
                case 2, 3 -> {
                    what = "text of the wrong type";
                    valid.put("text", badText());
                    body = bytes(json(valid));
                }
                case 4 -> {
                    what = "duplicate key";
                    body = withDuplicateKey(valid);
                }
                case 5 -> {
                    what = "not an object";
                    body = bytes(randomFrom("[]", "[{\"text\":\"a\"}]", "\"text\"", "42", "null", "true", ""));
                }
                case 6 -> {
                    what = "oversized token";
                    body = bytes(oversizedToken(json(valid)));
                }
                case 7 -> {
                    what = "bad parameter";
                    body = bytes(json(valid));
                    params = Map.of(
                        randomFrom("pipeline", "refresh", "op_type", "version", "version_type", "if_seq_no", "timeout", "wait_for_active_shards", "no_such_param"),
                        randomFrom("no-such-pipeline", "maybe", "-1x")
                    );
                }
                case 8 -> {
                    what = "odd id";
                    body = bytes(json(valid));
                    id = randomFrom("x".repeat(between(513, 2000)), "%C3%A9".repeat(300));
                }
                default -> {
                    what = "unreadable content type";
                    add("_doc", what, "PUT", path + id, params, bytes(json(valid)), randomFrom(UNREADABLE_TYPES), Expect.REJECTED);
                    continue;
                }
            }
            add("_doc", what, "PUT", path + id, params, body, JSON, Expect.REJECTED);
        }
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
            add("_doc", "odd but valid document", "PUT", path + "odd-" + i, Map.of(), bytes(odd.get(i % odd.size()).get()), JSON, Expect.ANY);
        }
        add("_doc", "overlong UTF-8 in the text", "PUT", path + "overlong", Map.of(), concat("{\"text\":\"a", new byte[] { (byte) 0xC0, (byte) 0xAF }, "\"}"), JSON, Expect.ANY);
        // OpenSearch indexes the first object and ignores what follows it
        add("_doc", "two objects", "PUT", path + "two-objects", Map.of(), bytes("{\"text\":\"a\"} {\"text\":\"b\"}"), JSON, Expect.ANY);
        add("_doc", "bypassing the pipeline", "PUT", path + "no-pipeline", Map.of("pipeline", "_none"), bytes(json(obj("text", "stored without passages"))), JSON, Expect.ANY);
    }

    // --- POST /{index}/_bulk into a REALM index -----------------------------------------------------------------------

    private String badSourceLine(int i) throws IOException {
        return switch (between(0, 5)) {
            case 0 -> json(obj("text", badText()));
            case 1 -> "{\"text\":\"a\",\"text\":\"b\"}";
            case 2 -> new String(truncated(json(obj("text", "item " + i))), StandardCharsets.UTF_8);
            case 3 -> "{\"text\":\"a\",\"n\":" + "1".repeat(2000) + "}";
            case 4 -> "{\"text\":\"a\",\"deep\":" + "[".repeat(1100) + "]".repeat(1100) + "}";
            default -> randomFrom("[]", "42", "\"a\"", "null");
        };
    }

    private void bulks(int n) throws IOException {
        String path = "/" + ingestIndex + "/_bulk";
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
            add("_bulk", what, "POST", path, Map.of(), bytes(body.toString()), NDJSON, expect);
        }
        String one = json(obj("index", obj("_id", "b"))) + "\n" + json(obj("text", "a")) + "\n";
        add("_bulk", "invalid UTF-8 in an action line", "POST", path, Map.of(), concat("{\"index\":{\"_id\":\"", INVALID_UTF8[0], "\"}}\n{\"text\":\"a\"}\n"), NDJSON, Expect.REJECTED);
        add("_bulk", "unknown parameter", "POST", path, Map.of("no_such_param", "1"), bytes(one), NDJSON, Expect.REJECTED);
        add("_bulk", "bad refresh", "POST", path, Map.of("refresh", "maybe"), bytes(one), NDJSON, Expect.REJECTED);
        add("_bulk", "unreadable content type", "POST", path, Map.of(), bytes(one), "text/plain", Expect.REJECTED);
    }

    // --- _simulate of a pipeline with realm_passages ------------------------------------------------------------------

    private Object badProcessorValue(String key) {
        return switch (key) {
            case "field" -> randomFrom(List.of("text"), obj(), 5);
            case "model" -> randomFrom(List.of("m"), obj(), "", "no-such-model", "tiny-qa-pick");
            case "passage_tokens" -> randomFrom("x", 0, -1, 255, Integer.MAX_VALUE, List.of(3));
            case "overlap_tokens" -> randomFrom("x", -1, 200, 10000, obj());
            default -> throw new AssertionError(key);
        };
    }

    private void simulations(int n) throws IOException {
        String inline = "/_ingest/pipeline/_simulate";
        String stored = "/_ingest/pipeline/realm-" + ingestIndex + "/_simulate";
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
                    body = bytes(json(obj("pipeline", obj("processors", List.of(obj("realm_passages", config))), "docs", docs)));
                }
                case 2 -> {
                    what = "missing or unknown processor option";
                    if (randomBoolean()) {
                        config.remove(randomFrom(List.of("field", "model")));
                    } else {
                        config.put(randomFrom("no_such_option", "vector_field", "dimension"), 1);
                    }
                    body = bytes(json(obj("pipeline", obj("processors", List.of(obj("realm_passages", config))), "docs", docs)));
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
                        request.put("pipeline", obj("processors", List.of(obj("realm_passages", config))));
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
                        request.put("pipeline", obj("processors", List.of(obj("realm_passages", config))));
                    }
                    body = bytes(json(request));
                }
                case 6 -> {
                    what = "truncated or invalid body";
                    path = randomBoolean() ? inline : stored;
                    String valid = json(obj("pipeline", obj("processors", List.of(obj("realm_passages", config))), "docs", docs));
                    body = randomBoolean() ? truncated(valid) : concat(valid.substring(0, valid.length() - 7), randomFrom(INVALID_UTF8), valid.substring(valid.length() - 7));
                }
                case 7 -> {
                    what = "unknown pipeline";
                    path = "/_ingest/pipeline/realm-no-such-index/_simulate";
                    body = bytes(json(obj("docs", docs)));
                }
                default -> {
                    what = "bad verbose parameter";
                    params = Map.of("verbose", randomFrom("maybe", "2"));
                    body = bytes(json(obj("pipeline", obj("processors", List.of(obj("realm_passages", config))), "docs", docs)));
                }
            }
            add("_simulate", what, "POST", path, params, body, JSON, expect);
        }
        add("_simulate", "odd but valid text", "POST", inline, Map.of(), bytes(json(obj("pipeline", obj("processors", List.of(obj("realm_passages", obj("field", "text", "model", "all-minilm-l6-v2", "passage_tokens", 8, "overlap_tokens", 7)))), "docs", List.of(obj("_source", obj("text", "\u202e🍵 \\ud800 " + "tea ".repeat(100))))))), JSON, Expect.ANY);
    }

    private void add(String endpoint, String what, String method, String path, Map<String, String> params, byte[] body, String contentType, Expect expect) {
        cases.add(new Case(endpoint, what, method, path, params, body, contentType, expect));
    }
}
