/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearchrealm.rest.HostileCases.Expect;
import org.opensearchrealm.rest.JsonMutations.Mutation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.opensearch.test.OpenSearchTestCase.between;
import static org.opensearch.test.OpenSearchTestCase.randomAlphaOfLength;
import static org.opensearch.test.OpenSearchTestCase.randomBoolean;
import static org.opensearch.test.OpenSearchTestCase.randomFrom;
import static org.opensearchrealm.rest.HostileCases.JSON;
import static org.opensearchrealm.rest.JsonMutations.MEGABYTE;
import static org.opensearchrealm.rest.JsonMutations.bytes;
import static org.opensearchrealm.rest.JsonMutations.concat;
import static org.opensearchrealm.rest.RealmRestSupport.json;
import static org.opensearchrealm.rest.RealmRestSupport.obj;

/** Hostile questions: {@code POST /{index}/_realm} bodies, and {@code GET} (or {@code POST}) with URL parameters. */
final class SearchCases {

    private static final List<String> FIELDS = List.of("query", "k", "num_answers", "explain", "read", "filter");

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

    private static final Mutation MISSING_QUERY = d -> {
        d.what = "missing query";
        d.fields.remove("query");
    };

    private final HostileCases out;
    private final String realm;

    SearchCases(HostileCases out) {
        this.out = out;
        this.realm = "/" + out.kb + "/_realm";
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
                "q".repeat(out.maxQueryChars + between(1, 1000)),
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
                field.equals("k") ? out.maxK + between(1, 1000) : 21,
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

    /** The filter replaced by raw JSON, written as such into the body. */
    private static Mutation rawFilter(String what, Supplier<String> filter) {
        return d -> {
            d.fields.put("filter", "@FILTER@");
            d.replace(what, bytes(json(d.fields).replace("\"@FILTER@\"", filter.get())));
        };
    }

    /** A filter nested deeper than the plugin allows: bool clauses, or arrays inside a terms query. */
    private static String deepFilter() {
        int depth = between(51, 1500);
        if (randomBoolean()) {
            return "{\"bool\":{\"must\":".repeat(depth) + "{\"match_all\":{}}" + "}}".repeat(depth);
        }
        return "{\"terms\":{\"text\":" + "[".repeat(depth * 2) + "]".repeat(depth * 2) + "}}";
    }

    void bodies(int n) throws IOException {
        List<Mutation> table = new ArrayList<>(JsonMutations.strict(FIELDS, this::badQuestionValue));
        table.add(rawFilter("deeply nested filter", SearchCases::deepFilter));
        table.add(rawFilter("bad filter", () -> randomFrom(BAD_FILTERS)));
        table.add(MISSING_QUERY);
        out.fuzz("_realm POST", "POST", n, i -> realm, i -> validQuestion(), table);
        // odd but valid: the few inputs a strict parser still accepts
        String valid = json(obj("query", "what leavens sourdough?", "k", 3));
        // not valid UTF-8, though Jackson lets them through: the plugin checks the bytes itself
        post("overlong UTF-8 in the query", concat(valid.substring(0, 12), new byte[] { (byte) 0xC0, (byte) 0xAF }, valid.substring(12)), JSON, Expect.REJECTED);
        post("invalid byte in a field name", concat("{\"query\":\"chess\",\"expl", new byte[] { (byte) 0xFF }, "ain\":true}"), JSON, Expect.REJECTED);
        post("lone surrogate escape", bytes("{\"query\":\"cat \\ud800 dog\"}"), JSON, Expect.ANY);
        post("UTF-8 of a surrogate", concat("{\"query\":\"cat ", new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, "\"}"), JSON, Expect.REJECTED);
        post("a megabyte of whitespace", bytes(" ".repeat(MEGABYTE) + valid), JSON, Expect.ANY);
        post("YAML body", bytes("query: what leavens sourdough?\nk: 2\n"), "application/yaml", Expect.ANY);
        post("JSON sent as CBOR", bytes(valid), "application/cbor", Expect.REJECTED);
        post("JSON sent as SMILE", bytes(valid), "application/smile", Expect.REJECTED);
        post("valid script filter", bytes("{\"query\":\"bread\",\"filter\":{\"script\":{\"script\":{\"source\":\"true\"}}}}"), JSON, Expect.ANY);
    }

    private void post(String what, byte[] body, String contentType, Expect expect) {
        out.add("_realm POST", what, "POST", realm, Map.of(), body, contentType, expect);
    }

    // --- GET (and POST) /{index}/_realm with URL parameters -----------------------------------------------------------

    void params(int n) {
        for (int i = 0; i < n; i++) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("q", "how do volcanoes form?");
            String what;
            switch (between(0, 7)) {
                case 0 -> {
                    what = "bad k";
                    params.put("k", randomFrom("abc", "-1", "0", "1.5", "99999999999", "", " 3", "0x10", String.valueOf(out.maxK + between(1, 100))));
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
                    params.put("q", randomFrom("", " ", "\t", "q".repeat(out.maxQueryChars + between(1, 500))));
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
            out.add("_realm GET", what, randomFrom("GET", "POST"), realm, params, null, null, Expect.REJECTED);
        }
        for (String method : new String[] { "PUT", "DELETE", "PATCH" }) {
            out.add("_realm GET", "method not allowed", method, realm, Map.of("q", "a"), null, null, Expect.REJECTED);
        }
    }
}
