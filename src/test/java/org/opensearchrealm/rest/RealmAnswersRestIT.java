/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

/**
 * Answers of {@code _realm} against a real node: the shipped reader by default, and with the tiny fixture reader
 * (installed by integ-test/test.sh) the answer fields, explain, GET parameters, {@code "read": false}, the dynamic
 * reader settings, a reader that cannot be used, and the answer errors (see {@link RealmRestSupport} for how to run).
 */
public class RealmAnswersRestIT extends RealmRestSupport {

    /** An index made with the defaults answers with the reader the plugin ships; {@code "reader": ""} only retrieves. */
    @SuppressWarnings("unchecked")
    public void testShippedReaderAnswersByDefault() throws IOException {
        createRealmIndex("shipped", ONE_SHARD);
        String eiffel = "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France. "
            + "It was designed by the company of Gustave Eiffel and completed in 1889 for the World's Fair.";
        bulk(
            "shipped",
            List.of(
                Map.of("_id", "eiffel", "doc", obj("text", eiffel)),
                Map.of("_id", "tea", "doc", obj("text", "Tea is an aromatic beverage made by pouring hot water over cured leaves."))
            )
        );
        Map<String, Object> response = realmPost("shipped", obj("query", "When was the Eiffel Tower completed?", "k", 2));
        Map<String, Object> top = ((List<Map<String, Object>>) response.get("answers")).get(0);
        assertThat(top.get("text"), equalTo("1889"));
        Map<String, Object> where = ((List<Map<String, Object>>) top.get("passages")).get(0);
        assertThat(where.get("_id"), equalTo("eiffel"));
        assertThat(eiffel.substring((Integer) where.get("start"), (Integer) where.get("end")), equalTo("1889"));
        assertThat(response.get("no_answer"), equalTo(false));

        Map<String, Object> created = createRealmIndex("retrieval-only", "{\"reader\":\"\",\"settings\":{\"number_of_shards\":1}}");
        assertThat(created, not(hasKey("reader")));
        bulk("retrieval-only", List.of(Map.of("_id", "eiffel", "doc", obj("text", eiffel))));
        assertThat(realmPost("retrieval-only", obj("query", "When was the Eiffel Tower completed?")).keySet(), equalTo(Set.of("took", "timing", "passages")));
    }

    /** The tiny QA fixture whose logits are set per token (the "moon" span wins); integ-test/test.sh installs it. */
    private static final String READER = "tiny-qa-pick";

    /** Creates a one-shard index read by the fixture reader, or skips the test when the node does not have it. */
    private static Map<String, Object> createReadIndex(String name, String extraSettings) throws IOException {
        String body = "{\"reader\":\"" + READER + "\",\"passage_tokens\":24,\"overlap_tokens\":8,"
            + "\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0" + extraSettings + "}}";
        try {
            return createRealmIndex(name, body);
        } catch (ResponseException e) {
            assumeFalse(
                "the node has no reader [" + READER + "]: start it with integ-test/node.sh start --model src/test/resources/models/" + READER,
                e.getResponse().getStatusLine().getStatusCode() == 404 && e.getMessage().contains(READER)
            );
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    public void testAnswers() throws IOException {
        Map<String, Object> created = createReadIndex("qa", "");
        assertThat(created.get("reader"), equalTo(READER));
        assertThat(getIndexSettingsAsMap("qa").get("index.realm.reader"), equalTo(READER));
        String moon = "Tonight the moon is over the water.";
        String longText = "Bread is baked from a dough of flour and water, usually leavened with yeast, and baked in an oven. ".repeat(3)
            + "At night the moon shines over the sea.";
        bulk(
            "qa",
            List.of(
                Map.of("_id", "moon", "doc", obj("text", moon)),
                Map.of("_id", "dog", "doc", obj("text", "A dog sat on the mat in the house.")),
                Map.of("_id", "long", "doc", obj("text", longText))
            )
        );

        Map<String, Object> response = realmPost(
            "qa",
            obj("query", "Where is the moon tonight?", "k", 10, "explain", true, "num_answers", 2, "read_mass", 1.0)
        );
        Map<String, Object> timing = (Map<String, Object>) response.get("timing");
        assertThat(timing.keySet(), equalTo(Set.of("encode", "search", "read")));
        assertThat(((Number) timing.get("read")).doubleValue(), greaterThan(0.0));
        List<Map<String, Object>> passages = passages(response);
        assertWellFormed("qa", passages);
        List<Map<String, Object>> answers = (List<Map<String, Object>>) response.get("answers");
        assertThat(answers.size(), lessThanOrEqualTo(2));
        Map<String, Object> top = answers.get(0);
        assertThat(top.keySet(), equalTo(Set.of("text", "probability", "passages")));
        assertThat(top.get("text"), equalTo("moon"));
        double probability = ((Number) top.get("probability")).doubleValue();
        assertTrue("probability " + probability, probability > 0 && probability <= 1);
        List<Map<String, Object>> where = (List<Map<String, Object>>) top.get("passages");
        assertThat(where.stream().map(w -> w.get("_id")).collect(Collectors.toSet()), equalTo(Set.of("moon", "long")));
        for (Map<String, Object> w : where) {
            assertThat(w.keySet(), equalTo(Set.of("_index", "_id", "passage", "start", "end")));
            String source = sourceText("qa", (String) w.get("_id"), "text");
            assertThat("answer offsets are in the source field: " + w, source.substring((Integer) w.get("start"), (Integer) w.get("end")), equalTo("moon"));
        }
        assertThat(response.get("no_answer"), equalTo(false));
        double noAnswer = ((Number) response.get("no_answer_probability")).doubleValue();
        assertTrue("no-answer probability " + noAnswer, noAnswer > 0 && noAnswer < 1);
        assertThat(response, not(hasKey("reader_error")));
        // explain: how each passage was read, and where
        List<Map<String, Object>> reading = (List<Map<String, Object>>) response.get("reading");
        assertThat(reading, hasSize(passages.size()));
        for (Map<String, Object> r : reading) {
            assertThat(r.keySet(), equalTo(Set.of("_index", "_id", "passage", "score", "passage_probability", "no_answer_probability", "spans")));
            String source = sourceText("qa", (String) r.get("_id"), "text");
            for (Map<String, Object> span : (List<Map<String, Object>>) r.get("spans")) {
                assertThat(source.substring((Integer) span.get("start"), (Integer) span.get("end")), equalTo(span.get("text")));
            }
        }
        Map<String, Object> reader = (Map<String, Object>) response.get("reader");
        assertThat(reader.get("model"), equalTo(READER));
        assertThat(reader.get("node"), instanceOf(String.class));
        assertThat(reader.get("attempts"), equalTo(1));
        assertThat("read_mass 1 reads every passage", reader.get("passages_read"), equalTo(passages.size()));

        // GET with the same parameters; the defaults: 3 answers at most, no explanation
        Request get = getRealm("qa", "Where is the moon tonight?", "10");
        get.addParameter("num_answers", "1");
        Map<String, Object> viaGet = entityAsMap(client().performRequest(get));
        assertThat((List<?>) viaGet.get("answers"), hasSize(1));
        assertThat(viaGet, not(hasKey("reading")));
        assertThat(viaGet, not(hasKey("reader")));
        Map<String, Object> defaults = realmPost("qa", obj("query", "Where is the moon tonight?", "k", 10));
        assertThat(((List<?>) defaults.get("answers")).size(), lessThanOrEqualTo(3));

        // read: false retrieves only: no answers key, no read time
        Map<String, Object> retrieval = realmPost("qa", obj("query", "Where is the moon tonight?", "read", false));
        assertThat(retrieval.keySet(), equalTo(Set.of("took", "timing", "passages")));
        assertThat(((Map<String, Object>) retrieval.get("timing")).keySet(), equalTo(Set.of("encode", "search")));
        Request getNoRead = getRealm("qa", "moon", null);
        getNoRead.addParameter("read", "false");
        assertThat(entityAsMap(client().performRequest(getNoRead)), not(hasKey("answers")));

        // the no-answer threshold is a dynamic index setting
        client().performRequest(request("PUT", "/qa/_settings", json(obj("index.realm.no_answer_threshold", 0.0))));
        Map<String, Object> none = realmPost("qa", obj("query", "Where is the moon tonight?", "k", 10));
        assertThat(none.get("no_answer"), equalTo(true));
        assertThat((List<?>) none.get("answers"), empty());
        assertError(
            errorFor(request("PUT", "/qa/_settings", json(obj("index.realm.no_answer_threshold", 1.5)))),
            400,
            null,
            "index.realm.no_answer_threshold"
        );

        // a reader that cannot be used: the passages still come back, with reader_error
        client().performRequest(request("PUT", "/qa/_settings", json(obj("index.realm.reader", "no-such-reader"))));
        Map<String, Object> broken = realmPost("qa", obj("query", "Where is the moon tonight?", "k", 10));
        assertThat(passages(broken), not(empty()));
        assertThat(broken, not(hasKey("answers")));
        Map<String, Object> error = (Map<String, Object>) broken.get("reader_error");
        assertThat(error.keySet(), equalTo(Set.of("type", "reason", "status", "nodes")));
        assertThat(error.get("status"), equalTo(404));
        assertThat((String) error.get("reason"), containsString("no-such-reader"));
        assertThat((List<?>) error.get("nodes"), hasSize(1));

        // no reader: retrieval only; asking to read is an error
        client().performRequest(request("PUT", "/qa/_settings", json(obj("index.realm.reader", ""))));
        assertThat(realmPost("qa", obj("query", "moon")), not(hasKey("answers")));
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"read\":true}")), 400, "illegal_argument_exception", "index.realm.reader");

        // the reading cluster settings are dynamic; a single node reads on itself with either fallback
        client().performRequest(request("PUT", "/qa/_settings", json(obj("index.realm.reader", READER, "index.realm.no_answer_threshold", null))));
        try {
            putClusterSetting("transient", "plugins.realm.read.fallback", "data_node");
            putClusterSetting("transient", "plugins.realm.read.node_selection", "round_robin");
            putClusterSetting("transient", "plugins.realm.read.timeout", "30s");
            assertThat(((List<Map<String, Object>>) realmPost("qa", obj("query", "moon")).get("answers")).get(0).get("text"), equalTo("moon"));
            assertError(errorFor(clusterSettingRequest("transient", "plugins.realm.read.fallback", "anywhere")), 400, null, "plugins.realm.read.fallback");
            assertError(errorFor(clusterSettingRequest("transient", "plugins.realm.read.node_selection", "random")), 400, null, "plugins.realm.read.node_selection");
        } finally {
            putClusterSetting("transient", "plugins.realm.read.fallback", null);
            putClusterSetting("transient", "plugins.realm.read.node_selection", null);
            putClusterSetting("transient", "plugins.realm.read.timeout", null);
        }
    }

    /**
     * Adaptive reading: the passages read are the most probable ones, best first, that hold the read mass of p(z | q)
     * (the softmax of the retrieval scores over the k passages at the index's temperature, 0.1); 0 reads one.
     */
    @SuppressWarnings("unchecked")
    public void testReadsTheMostProbablePassagesThatHoldTheReadMass() throws IOException {
        createReadIndex("qa-adaptive", "");
        List<Map<String, Object>> docs = new ArrayList<>();
        for (String[] doc : new String[][] {
            { "moon", "Tonight the moon is over the water." },
            { "moon2", "The moon rises over the hills tonight." },
            { "dog", "A dog sat on the mat in the house." },
            { "bread", "Bread is baked from a dough of flour and water." } }) {
            docs.add(Map.of("_id", doc[0], "doc", obj("text", doc[1])));
        }
        bulk("qa-adaptive", docs);
        for (double mass : new double[] { 0.0, 0.5, 0.9, 0.98 }) {
            Map<String, Object> response = realmPost("qa-adaptive", obj("query", "Where is the moon tonight?", "k", 4, "explain", true, "read_mass", mass));
            List<Map<String, Object>> passages = passages(response);
            int read = (Integer) ((Map<String, Object>) response.get("reader")).get("passages_read");
            assertThat(((List<Object>) response.get("reading")), hasSize(read));
            double[] pz = softmax(passages.stream().mapToDouble(p -> ((Number) p.get("score")).doubleValue() / 0.1).toArray());
            double held = 0;
            for (int i = 0; i < read - 1; i++) {
                held += pz[i];
            }
            assertTrue("mass " + mass + ": the passages before the last one read hold less, " + held, held < mass || read == 1);
            assertTrue("mass " + mass + ": the passages read hold it", held + pz[read - 1] >= mass - 1e-6 || read == passages.size());
            List<String> readIds = ((List<Map<String, Object>>) response.get("reading")).stream().map(r -> (String) r.get("_id")).toList();
            assertThat("best first", readIds, equalTo(passages.subList(0, read).stream().map(p -> (String) p.get("_id")).toList()));
            if (mass == 0.0) {
                assertThat(read, equalTo(1));
            }
        }
        assertError(errorFor(realmRequest("qa-adaptive", "{\"query\":\"moon\",\"read_mass\":1.5}")), 400, null, "read_mass");
        assertError(errorFor(realmRequest("qa-adaptive", "{\"query\":\"moon\",\"read_mass\":\"all\"}")), 400, null, "read_mass");
        Request badParam = getRealm("qa-adaptive", "moon", null);
        badParam.addParameter("read_mass", "most");
        assertError(errorFor(badParam), 400, null, "read_mass");
    }

    private static double[] softmax(double[] x) {
        double max = Arrays.stream(x).max().orElse(0);
        double[] e = Arrays.stream(x).map(v -> Math.exp(v - max)).toArray();
        double sum = Arrays.stream(e).sum();
        return Arrays.stream(e).map(v -> v / sum).toArray();
    }

    public void testAnswerErrors() throws IOException {
        createReadIndex("qa", "");
        indexDoc("qa", "moon", obj("text", "Tonight the moon is over the water."));
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"num_answers\":0}")), 400, null, "num_answers");
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"num_answers\":21}")), 400, null, "num_answers");
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"num_answers\":\"3\"}")), 400, null, "num_answers");
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"explain\":\"yes\"}")), 400, null, "explain");
        assertError(errorFor(realmRequest("qa", "{\"query\":\"moon\",\"read\":1}")), 400, null, "read");
        Request badParam = getRealm("qa", "moon", null);
        badParam.addParameter("read", "maybe");
        assertError(errorFor(badParam), 400, null);

        // the reader is checked when the index is created
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/r1", "{\"reader\":\"all-minilm-l6-v2\"}")), 400, null, "all-minilm-l6-v2");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/r2", "{\"reader\":\"no-such-reader\"}")), 404, null, "no-such-reader");
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/r3", "{\"reader\":3}")), 400, null, "reader");
        assertError(
            errorFor(request("PUT", "/_plugins/_realm/indices/r4", "{\"settings\":{\"index.realm.reader\":\"" + READER + "\"}}")),
            400,
            null,
            "reader"
        );
        // an encoder cannot read, a reader cannot embed
        assertError(errorFor(request("PUT", "/_plugins/_realm/indices/r5", "{\"model\":\"" + READER + "\"}")), 400, null, READER);
        for (String index : List.of("r1", "r2", "r3", "r4", "r5")) {
            assertThat(index, client().performRequest(new Request("HEAD", "/" + index)).getStatusLine().getStatusCode(), equalTo(404));
        }

        // indices with different readers are asked separately
        createRealmIndex("plain-kb", ONE_SHARD);
        indexDoc("plain-kb", "moon", obj("text", "Tonight the moon is over the water."));
        assertError(errorFor(realmRequest("qa,plain-kb", "{\"query\":\"moon\"}")), 400, null, "different readers");
        assertThat(realmPost("qa,plain-kb", obj("query", "moon", "read", false)), not(hasKey("answers")));
    }
}
