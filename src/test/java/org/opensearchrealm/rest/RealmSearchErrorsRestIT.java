/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.client.Request;

import java.io.IOException;
import java.util.List;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

/**
 * The errors of {@code _realm} against a real node: unknown and non-REALM indices, bad queries, k and bodies, and the
 * search limits as dynamic cluster settings (see {@link RealmRestSupport} for how to run).
 */
public class RealmSearchErrorsRestIT extends RealmRestSupport {

    public void testSearchErrorsForIndices() throws IOException {
        assertError(errorFor(realmRequest("no-such-index", "{\"query\":\"magma\"}")), 404, "index_not_found_exception", "no-such-index");
        Request get = new Request("GET", "/no-such-index/_realm");
        get.addParameter("q", "magma");
        assertError(errorFor(get), 404, "index_not_found_exception", "no-such-index");

        client().performRequest(request("PUT", "/plain", ONE_SHARD));
        indexDoc("plain", "1", obj("text", Texts.VOLCANO));
        assertError(errorFor(realmRequest("plain", "{\"query\":\"magma\"}")), 400, null, "not a REALM index");
        Request getPlain = new Request("GET", "/plain/_realm");
        getPlain.addParameter("q", "magma");
        assertError(errorFor(getPlain), 400, null, "not a REALM index");
    }

    public void testSearchErrorsForQueryAndK() throws IOException {
        createRealmIndex("kb", ONE_SHARD);
        indexDoc("kb", "volcano", obj("text", Texts.VOLCANO));

        // empty, blank or missing query
        assertError(errorFor(realmRequest("kb", "{\"query\":\"\"}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"query\":\"   \\n\\t \"}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"k\":3}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{}")), 400, null, "query");
        assertError(errorFor(new Request("POST", "/kb/_realm")), 400, null, "query");
        assertError(errorFor(new Request("GET", "/kb/_realm")), 400, null, "query");
        assertError(errorFor(getRealm("kb", "", null)), 400, null, "query");
        assertError(errorFor(getRealm("kb", "  ", null)), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"query\":null}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"query\":42}")), 400, null, "query");
        assertError(errorFor(realmRequest("kb", "{\"query\":[\"a\",\"b\"]}")), 400, null, "query");

        // query length: the limit itself is accepted, one more character is not
        String atLimit = "magma ".repeat(200).substring(0, 1000);
        assertThat(passages(realmPost("kb", obj("query", atLimit, "k", 1))), hasSize(1));
        assertError(errorFor(realmRequest("kb", json(obj("query", atLimit + "x")))), 400, null, "query", "1000");
        assertError(errorFor(getRealm("kb", atLimit + "x", null)), 400, null, "query", "1000");

        // k out of range
        for (String k : List.of("0", "-1", "101", "100000")) {
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":" + k + "}")), 400, null, "k", k);
            assertError(errorFor(getRealm("kb", "magma", k)), 400, null, "k", k);
        }
        assertThat(passages(realmPost("kb", obj("query", "magma", "k", 100))), not(empty()));
        assertThat(passages(realmPost("kb", obj("query", "magma", "k", 1))), hasSize(1));

        // k not an integer
        for (String k : List.of("\"abc\"", "1.5", "{}", "[3]", "true", "null", "\"\"", "99999999999")) {
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":" + k + "}")), 400, null, "k");
        }
        for (String k : List.of("abc", "1.5", "", "3x")) {
            assertError(errorFor(getRealm("kb", "magma", k)), 400, null, "k");
        }

        // malformed bodies
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",")), 400, null);
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\"} trailing")), 400, null);
        assertError(errorFor(realmRequest("kb", "not json at all")), 400, null);
        assertError(errorFor(realmRequest("kb", "[\"magma\"]")), 400, null, "object");
        assertError(errorFor(realmRequest("kb", "\"magma\"")), 400, null, "object");
        assertError(errorFor(realmRequest("kb", "42")), 400, null, "object");
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"size\":3}")), 400, null, "size");
        assertError(errorFor(realmRequest("kb", "{\"q\":\"magma\"}")), 400, null, "q");
        // an unknown URL parameter is refused like anywhere else in OpenSearch
        Request unknownParam = getRealm("kb", "magma", "3");
        unknownParam.addParameter("size", "3");
        assertError(errorFor(unknownParam), 400, null, "size");
    }

    public void testLimitsAreDynamicClusterSettings() throws IOException {
        createRealmIndex("kb", SMALL_PASSAGES);
        indexDoc("kb", "volcano", obj("text", Texts.VOLCANO));
        indexDoc("kb", "bread", obj("text", Texts.BREAD));
        try {
            assertThat(passages(realmPost("kb", obj("query", "magma", "k", 50))), not(empty()));

            putClusterSetting("persistent", "plugins.realm.search.max_k", 3);
            assertThat(passages(realmPost("kb", obj("query", "magma", "k", 3))), hasSize(3));
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":4}")), 400, null, "k", "3");
            assertError(errorFor(getRealm("kb", "magma", "4")), 400, null, "k", "3");
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\"}")), 400, null, "k"); // the default k of 5 is over too

            // raising it above the default works as well
            putClusterSetting("transient", "plugins.realm.search.max_k", 150);
            assertThat(passages(realmPost("kb", obj("query", "magma", "k", 150))), not(empty()));
            putClusterSetting("transient", "plugins.realm.search.max_k", null);
            assertThat(passages(realmPost("kb", obj("query", "magma", "k", 3))), hasSize(3)); // persistent 3 is back

            putClusterSetting("persistent", "plugins.realm.search.max_query_chars", 20);
            assertThat(passages(realmPost("kb", obj("query", "x".repeat(20), "k", 1))), hasSize(1));
            assertError(errorFor(realmRequest("kb", json(obj("query", "x".repeat(21), "k", 1)))), 400, null, "query", "20");

            // invalid values are refused by the settings API and change nothing
            assertError(errorFor(clusterSettingRequest("persistent", "plugins.realm.search.max_k", 0)), 400, null, "plugins.realm.search.max_k");
            assertError(errorFor(clusterSettingRequest("persistent", "plugins.realm.search.max_k", "lots")), 400, null, "plugins.realm.search.max_k");
            assertError(errorFor(clusterSettingRequest("persistent", "plugins.realm.search.max_query_chars", 0)), 400, null, "plugins.realm.search.max_query_chars");
            assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":4}")), 400, null, "k", "3");
        } finally {
            putClusterSetting("persistent", "plugins.realm.search.max_k", null);
            putClusterSetting("transient", "plugins.realm.search.max_k", null);
            putClusterSetting("persistent", "plugins.realm.search.max_query_chars", null);
        }
        // back to the defaults
        assertThat(passages(realmPost("kb", obj("query", "magma", "k", 100))), not(empty()));
        assertError(errorFor(realmRequest("kb", "{\"query\":\"magma\",\"k\":101}")), 400, null, "k", "100");
        assertThat(passages(realmPost("kb", obj("query", "magma ".repeat(100), "k", 1))), hasSize(1));
    }
}
