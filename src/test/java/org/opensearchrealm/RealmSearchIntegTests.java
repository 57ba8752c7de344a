/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LogEvent;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.common.logging.Loggers;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.Strings;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.test.MockLogAppender;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearch.transport.client.Client;
import org.opensearchrealm.action.CreateRealmIndexAction;
import org.opensearchrealm.action.CreateRealmIndexRequest;
import org.opensearchrealm.action.RealmSearchResponse.Reading;
import org.opensearchrealm.answer.Answer;
import org.opensearchrealm.read.ReadAction;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;
import org.opensearchrealm.search.RealmAnswersProcessor;
import org.opensearchrealm.search.RealmQueryBuilder;
import org.opensearchrealm.search.RealmSearchExt;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * Answers inside {@code _search} on a cluster: a coordinating-only node takes the search, a data node holds the shard
 * (so {@code ext.realm} of the request crosses to it in the shard request), two ML nodes read, and the response's
 * {@code ext.realm} survives the wire. When every ML node fails the read, the hits still come back, with
 * {@code reader_error} in place of the answers.
 */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.TEST, numDataNodes = 0, numClientNodes = 0)
public class RealmSearchIntegTests extends ReadIntegTestSupport {

    private static final String QUESTION = "Where is the moon tonight?";

    private record Nodes(String data, String coordinator, Set<String> ml) {}

    /** A REALM index whose default search pipeline answers ({@code search_pipeline: true}), on the data node only. */
    private Nodes startCluster() throws InterruptedException {
        String data = startFirstNode("cluster_manager", "data", "ingest");
        String coordinator = internalCluster().startNode(roles());
        String ml1 = internalCluster().startNode(roles("ml"));
        String ml2 = internalCluster().startNode(roles("ml"));
        ensureStableCluster(4);
        CreateRealmIndexRequest create = new CreateRealmIndexRequest(
            "kb",
            "text",
            "all-minilm-l6-v2",
            PICK,
            24,
            8,
            Settings.builder().put("index.number_of_replicas", 0).build()
        ).searchPipeline(true);
        client(data).execute(CreateRealmIndexAction.INSTANCE, create).actionGet();
        ensureGreen("kb");
        indexDemoDocs(client(data), "kb");
        return new Nodes(data, coordinator, Set.of(ml1, ml2));
    }

    private static SearchResponse searchRealm(Client client, RealmSearchExt ext) {
        SearchSourceBuilder source = new SearchSourceBuilder().query(new RealmQueryBuilder(QUESTION, 3, RetrievalMode.DENSE, null)).size(3);
        if (ext != null) {
            source.ext(List.of(ext));
        }
        return client.prepareSearch("kb").setSource(source).get();
    }

    private static RealmSearchExt answersOf(SearchResponse response) {
        return response.getInternalResponse()
            .getSearchExtBuilders()
            .stream()
            .filter(e -> e instanceof RealmSearchExt)
            .map(e -> (RealmSearchExt) e)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no ext.realm in " + response));
    }

    public void testAnswersAreReadOnMlNodesAndCrossTheWire() throws Exception {
        Nodes nodes = startCluster();
        Client coordinator = client(nodes.coordinator());
        Set<String> readers = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            // ext.realm of the request goes with the shard request to the data node, which must read it back
            SearchResponse response = searchRealm(coordinator, new RealmSearchExt(null, null, 2, true));
            assertEquals(0, response.getFailedShards());
            SearchHit top = response.getHits().getAt(0);
            assertEquals("moon", top.getId());
            assertEquals(nodes.data(), clusterService().state().nodes().get(top.getShard().getNodeId()).getName());
            assertTrue(top.getHighlightFields().get("text").fragments()[0].string().contains("<em>moon</em>"));

            Reading reading = answersOf(response).reading();
            assertNull(String.valueOf(reading.error()), reading.error());
            Answer best = reading.answers().answers().get(0);
            assertEquals("moon", best.text());
            assertEquals("moon", best.passages().get(0).id());
            assertThat(reading.answers().answers().size(), lessThanOrEqualTo(2));
            assertTrue(reading.node() + " is not an ML node", nodes.ml().contains(reading.node()));
            readers.add(reading.node());

            // the response as another node would receive it
            SearchResponse received = roundTrip(response);
            RealmSearchExt answered = answersOf(received);
            assertEquals(answersOf(response), answered);
            assertEquals(Strings.toString(MediaTypeRegistry.JSON, response), Strings.toString(MediaTypeRegistry.JSON, received));
        }
        assertEquals("reads are spread over both ML nodes", nodes.ml(), readers);
        assertEquals(0, readsOn(nodes.data()));
        assertEquals(0, readsOn(nodes.coordinator()));
    }

    /**
     * The realm query starts reading as soon as its passages are retrieved when the search's pipeline answers (here the
     * index's default one), and the processor takes that reading: one read per search. A search that names no
     * pipeline ({@code _none}) reads nothing.
     */
    public void testAnswersAreReadAheadOfTheSearch() throws Exception {
        Nodes nodes = startCluster();
        Client coordinator = client(nodes.coordinator());
        Logger processorLogger = LogManager.getLogger(RealmAnswersProcessor.class);
        Level level = processorLogger.getLevel();
        Loggers.setLevel(processorLogger, Level.TRACE);
        try (MockLogAppender log = MockLogAppender.createForLoggers(processorLogger)) {
            AtomicInteger readAhead = new AtomicInteger();
            log.addExpectation(new MockLogAppender.LoggingExpectation() {
                @Override
                public void match(LogEvent event) {
                    if (event.getMessage().getFormattedMessage().equals("[realm_answers] takes the reading started ahead for [" + QUESTION + "]")) {
                        readAhead.incrementAndGet();
                    }
                }

                @Override
                public void assertMatched() {
                    assertEquals("searches whose reading started ahead", 2, readAhead.get());
                }
            });
            long before = readsOnMlNodes(nodes);
            assertEquals("moon", answersOf(searchRealm(coordinator, null)).reading().answers().answers().get(0).text());
            assertEquals(2, answersOf(searchRealm(coordinator, new RealmSearchExt(null, null, 2, null))).reading().answers().answers().size());
            assertEquals("one read per search", before + 2, readsOnMlNodes(nodes));
            log.assertAllExpectationsMatched();
        } finally {
            Loggers.setLevel(processorLogger, level);
        }
        long before = readsOnMlNodes(nodes);
        SearchSourceBuilder source = new SearchSourceBuilder().query(new RealmQueryBuilder(QUESTION, 3, RetrievalMode.DENSE, null));
        SearchResponse unanswered = coordinator.search(new SearchRequest("kb").source(source).pipeline("_none")).actionGet();
        assertEquals("moon", unanswered.getHits().getAt(0).getId());
        assertTrue(unanswered.getInternalResponse().getSearchExtBuilders().isEmpty());
        assertEquals("no pipeline, nothing read", before, readsOnMlNodes(nodes));
    }

    private long readsOnMlNodes(Nodes nodes) {
        return nodes.ml().stream().mapToLong(this::readsOn).sum();
    }

    public void testReaderErrorKeepsTheHits() throws Exception {
        Nodes nodes = startCluster();
        for (String ml : nodes.ml()) {
            transportOf(ml).addRequestHandlingBehavior(ReadAction.NAME, (handler, request, channel, task) -> {
                channel.sendResponse(new IllegalStateException("injected read failure"));
            });
        }
        SearchResponse response = searchRealm(client(nodes.coordinator()), null);
        assertEquals(3, response.getHits().getHits().length);
        assertEquals("moon", response.getHits().getAt(0).getId());
        assertTrue("no answer, so no highlight", response.getHits().getAt(0).getHighlightFields().isEmpty());
        Reading reading = answersOf(response).reading();
        assertNull(reading.answers());
        assertEquals(nodes.ml(), Set.copyOf(reading.error().nodes()));
        assertTrue(reading.error().reason(), reading.error().reason().contains("injected read failure"));
        String json = Strings.toString(MediaTypeRegistry.JSON, response);
        assertTrue(json, json.contains("\"reader_error\":{"));
        assertFalse(json, json.contains("\"answers\""));
        assertEquals(json, Strings.toString(MediaTypeRegistry.JSON, roundTrip(response)));
        for (String ml : nodes.ml()) {
            transportOf(ml).clearAllRules();
        }
        assertEquals("moon", answersOf(searchRealm(client(nodes.coordinator()), null)).reading().answers().answers().get(0).text());
    }

    /** Writes and reads back a search response with a node's named writeables, as the transport layer does. */
    private SearchResponse roundTrip(SearchResponse response) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            response.writeTo(out);
            try (StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), internalCluster().getInstance(NamedWriteableRegistry.class))) {
                return new SearchResponse(in);
            }
        }
    }
}
