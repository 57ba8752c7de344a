/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearchrealm.rest.JsonMutations.Draft;
import org.opensearchrealm.rest.JsonMutations.Mutation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import static org.opensearch.test.OpenSearchTestCase.randomFrom;

/**
 * Malformed, oversized and adversarial requests to every endpoint of the plugin, drawn from the test's seeded random
 * generator (so that {@code -Dtests.seed} replays the same requests). Each case says what it must get: a 4xx with a
 * reason ({@link Expect#REJECTED}; for {@code _bulk} and {@code _simulate}, failures of every item or document count
 * as well), or, for the few inputs that are odd but valid, a 2xx or a 4xx with a reason ({@link Expect#ANY}). The
 * requests of each endpoint are made by {@link SearchCases}, {@link IndexCases} and {@link IngestCases}, most of them
 * valid requests broken by the {@link JsonMutations} table.
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

    static final String JSON = JsonMutations.JSON;
    static final String NDJSON = "application/x-ndjson";

    /** The REALM index questions are asked of; nothing may change it. */
    final String kb;
    /** The REALM index hostile documents are sent to. */
    final String ingestIndex;
    final int maxK;
    final int maxQueryChars;
    private final List<Case> cases = new ArrayList<>();

    HostileCases(String kb, String ingestIndex, int maxK, int maxQueryChars) {
        this.kb = kb;
        this.ingestIndex = ingestIndex;
        this.maxK = maxK;
        this.maxQueryChars = maxQueryChars;
    }

    List<Case> all() throws IOException {
        SearchCases search = new SearchCases(this);
        search.bodies(450);
        search.params(130);
        IndexCases index = new IndexCases(this);
        index.names(40);
        index.createBodies(200);
        IngestCases ingest = new IngestCases(this);
        ingest.documents(160);
        ingest.bulks(100);
        ingest.simulations(120);
        return cases;
    }

    /**
     * n requests that must be refused, the i-th a valid request (on path(i), with the body valid(i)) broken by a
     * mutation drawn from the table (all equally likely: an entry listed twice is drawn twice as often).
     */
    void fuzz(String endpoint, String method, int n, IntFunction<String> path, IntFunction<Map<String, Object>> valid, List<Mutation> table)
        throws IOException {
        for (int i = 0; i < n; i++) {
            Draft d = new Draft(path.apply(i), valid.apply(i));
            randomFrom(table).apply(d);
            add(endpoint, d.what, method, d.path, d.params, d.body(), d.contentType, Expect.REJECTED);
        }
    }

    void add(String endpoint, String what, String method, String path, Map<String, String> params, byte[] body, String contentType, Expect expect) {
        cases.add(new Case(endpoint, what, method, path, params, body, contentType, expect));
    }
}
