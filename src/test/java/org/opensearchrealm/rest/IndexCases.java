/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearchrealm.rest.HostileCases.Expect;
import org.opensearchrealm.rest.JsonMutations.Mutation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.opensearch.test.OpenSearchTestCase.between;
import static org.opensearch.test.OpenSearchTestCase.randomBoolean;
import static org.opensearch.test.OpenSearchTestCase.randomFrom;
import static org.opensearchrealm.rest.HostileCases.JSON;
import static org.opensearchrealm.rest.JsonMutations.bytes;
import static org.opensearchrealm.rest.RealmRestSupport.json;
import static org.opensearchrealm.rest.RealmRestSupport.obj;

/** Hostile index names (for creation and as {@code _realm} targets) and {@code PUT /_plugins/_realm/indices/{index}} bodies. */
final class IndexCases {

    private static final String CREATE = "/_plugins/_realm/indices/";
    private static final List<String> FIELDS = List.of("source_field", "model", "reader", "passage_tokens", "overlap_tokens", "settings");

    private final HostileCases out;

    IndexCases(HostileCases out) {
        this.out = out;
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

    void names(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            String name = oddIndexName();
            out.add("create", "odd index name", "PUT", CREATE + name, Map.of(), bytes(json(validCreate())), JSON, Expect.REJECTED);
            Map<String, String> params = Map.of("q", "what is this?");
            // a star is a wildcard to _realm, as to _search: matching nothing is an empty answer
            Expect expect = name.contains("%2A") ? Expect.ANY : Expect.REJECTED;
            out.add("_realm GET", "odd index name", randomFrom("GET", "POST"), "/" + name + "/_realm", params, null, null, expect);
        }
        out.add("_realm GET", "unknown index", "GET", "/no-such-index/_realm", Map.of("q", "a"), null, null, Expect.REJECTED);
        out.add("_realm GET", "known and unknown index", "GET", "/" + out.kb + ",no-such-index/_realm", Map.of("q", "a"), null, null, Expect.REJECTED);
        out.add("_realm GET", "wildcard matching nothing", "GET", "/no-such-*/_realm", Map.of("q", "a"), null, null, Expect.ANY);
        out.add("_realm GET", "unknown hidden index and _all", "GET", "/.no-such-hidden,_all/_realm", Map.of("q", "a"), null, null, Expect.REJECTED);
    }

    // --- PUT /_plugins/_realm/indices/{index} -------------------------------------------------------------------------

    private static Map<String, Object> validCreate() {
        Map<String, Object> body = obj("settings", obj("number_of_shards", 1, "number_of_replicas", 0));
        if (randomBoolean()) {
            body.put("passage_tokens", between(16, 200));
            body.put("overlap_tokens", between(0, 8));
        }
        return body;
    }

    private static Object badCreateValue(String field) {
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

    void createBodies(int n) throws IOException {
        List<Mutation> table = new ArrayList<>(JsonMutations.strict(FIELDS, IndexCases::badCreateValue));
        table.add(JsonMutations.wrongValue(FIELDS, IndexCases::badCreateValue)); // twice as often: six fields, many bad values each
        out.fuzz("create", "PUT", n, i -> CREATE + "hostile-create-" + i, i -> validCreate(), table);
        out.add("create", "deeply nested settings", "PUT", CREATE + "hostile-deep", Map.of(), bytes("{\"settings\":" + "{\"a\":".repeat(1500) + "1" + "}".repeat(1500) + "}"), JSON, Expect.REJECTED);
        out.add("create", "unknown parameter", "PUT", CREATE + "hostile-param", Map.of("pretty_please", "1"), bytes(json(validCreate())), JSON, Expect.REJECTED);
        out.add("create", "existing index", "PUT", CREATE + out.kb, Map.of(), bytes(json(validCreate())), JSON, Expect.REJECTED);
        out.add("create", "no index name", "PUT", CREATE, Map.of(), bytes(json(validCreate())), JSON, Expect.REJECTED);
        out.add("create", "unicode index name", "PUT", CREATE + "%C3%AFndex-%E2%9C%93", Map.of(), bytes(json(validCreate())), JSON, Expect.ANY);
    }
}
