/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.Version;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.io.stream.NotSerializableExceptionWrapper;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.transport.NodeDisconnectedException;
import org.opensearch.transport.ReceiveTimeoutTransportException;
import org.opensearch.transport.RemoteTransportException;
import org.opensearchrealm.action.TransportRealmSearchAction.ReadConfig;
import org.opensearchrealm.model.ModelException;
import org.opensearchrealm.read.Reader.PassageReading;
import org.opensearchrealm.read.Reader.Span;
import org.opensearchrealm.read.ReaderError;

import java.util.List;

/** The read action's messages, which failures are retried, and how the indices' reading settings combine. */
public class ReadActionTests extends OpenSearchTestCase {

    public void testReadRequestAndResponseRoundTrip() throws Exception {
        assertEquals("internal:realm/read", ReadAction.NAME);
        ReadRequest request = new ReadRequest("qa", "who?", List.of("one passage", "", "three"), 12, 5);
        BytesStreamOutput out = new BytesStreamOutput();
        request.writeTo(out);
        ReadRequest copy = new ReadRequest(out.bytes().streamInput());
        assertEquals("qa", copy.reader());
        assertEquals("who?", copy.question());
        assertEquals(List.of("one passage", "", "three"), copy.passages());
        assertEquals(12, copy.maxAnswerTokens());
        assertEquals(5, copy.topSpans());
        assertNull(copy.validate());
        assertNotNull(new ReadRequest("", "q", List.of(), 1, 1).validate());
        assertNotNull(new ReadRequest("qa", "q", List.of(), 0, 1).validate());
        assertNotNull(new ReadRequest("qa", "q", List.of(), 1, 0).validate());

        List<PassageReading> readings = List.of(new PassageReading(List.of(new Span(0, 3, "one", 0.5, 1, 2)), 0.25), new PassageReading(List.of(), 1.0));
        ReadResponse response = new ReadResponse("ml-1", readings);
        BytesStreamOutput out2 = new BytesStreamOutput();
        response.writeTo(out2);
        ReadResponse copy2 = new ReadResponse(out2.bytes().streamInput());
        assertEquals("ml-1", copy2.nodeName());
        assertEquals(readings, copy2.readings());
    }

    public void testRetryable() {
        DiscoveryNode node = new DiscoveryNode("ml-1", buildNewFakeTransportAddress(), Version.CURRENT);
        assertTrue(ReadDispatcher.retryable(new NodeDisconnectedException(node, ReadAction.NAME)));
        assertTrue(ReadDispatcher.retryable(new ReceiveTimeoutTransportException(node, ReadAction.NAME, "timed out")));
        assertTrue(ReadDispatcher.retryable(new RemoteTransportException("x", ModelException.failed("model [qa] failed to load", null))));
        assertTrue("another node may have the model", ReadDispatcher.retryable(new ModelException(RestStatus.NOT_FOUND, "unknown model [qa]")));
        assertTrue(ReadDispatcher.retryable(new RemoteTransportException("x", new IllegalStateException("boom"))));
        // the same on every node: not retried
        assertFalse(ReadDispatcher.retryable(new RemoteTransportException("x", ModelException.badRequest("model [e] is an encoder"))));
        assertFalse(
            ReadDispatcher.retryable(new RemoteTransportException("x", new NotSerializableExceptionWrapper(ModelException.badRequest("bad"))))
        );
        assertFalse(ReadDispatcher.retryable(new TaskCancelledException("cancelled")));
    }

    public void testReaderErrorUnwrapsTransportExceptions() {
        ReaderError error = ReaderError.of(
            new RemoteTransportException("[ml-1][127.0.0.1:9300][internal:realm/read]", new NotSerializableExceptionWrapper(ModelException.unknownModel("qa"))),
            List.of("ml-1")
        );
        assertEquals("model_exception", error.type());
        assertEquals(404, error.status());
        assertEquals("unknown model [qa]", error.reason());
        assertEquals(List.of("ml-1"), error.nodes());
    }

    private static IndexMetadata.Builder index(String name, Settings settings) {
        return IndexMetadata.builder(name)
            .settings(Settings.builder().put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT).put(settings))
            .numberOfShards(1)
            .numberOfReplicas(0);
    }

    public void testReadConfig() {
        Settings realm = Settings.builder().put("index.realm.model", "enc").build();
        ClusterState state = ClusterState.builder(ClusterName.DEFAULT)
            .metadata(
                Metadata.builder()
                    .put(index("plain", Settings.EMPTY))
                    .put(index("retrieval", realm))
                    .put(index("qa1", Settings.builder().put(realm).put("index.realm.reader", "qa").build()))
                    .put(
                        index(
                            "qa2",
                            Settings.builder()
                                .put(realm)
                                .put("index.realm.reader", "qa")
                                .put("index.realm.no_answer_threshold", 0.4)
                                .put("index.realm.max_answer_tokens", 50)
                                .put("index.realm.retrieval_temperature", 0.02)
                                .build()
                        )
                    )
                    .put(index("other", Settings.builder().put(realm).put("index.realm.reader", "other-qa").build()))
            )
            .build();

        assertEquals(new ReadConfig("qa", 1.0, 30, 0.1), TransportRealmSearchAction.readConfig(state, new String[] { "qa1" }, null));
        assertEquals(
            "the strictest threshold, the longest answers, the sharpest temperature",
            new ReadConfig("qa", 0.4, 50, 0.02),
            TransportRealmSearchAction.readConfig(state, new String[] { "qa1", "qa2", "plain" }, null)
        );
        assertNull(TransportRealmSearchAction.readConfig(state, new String[] { "qa1" }, false));
        assertNull(TransportRealmSearchAction.readConfig(state, new String[] { "retrieval" }, null));
        assertNull(TransportRealmSearchAction.readConfig(state, new String[] { "plain" }, true));
        assertNull(TransportRealmSearchAction.readConfig(state, new String[] { "qa1", "retrieval" }, false));

        IllegalArgumentException none = expectThrows(
            IllegalArgumentException.class,
            () -> TransportRealmSearchAction.readConfig(state, new String[] { "retrieval" }, true)
        );
        assertTrue(none.getMessage(), none.getMessage().contains("[read] is true but index [retrieval] has no reader"));
        IllegalArgumentException mixed = expectThrows(
            IllegalArgumentException.class,
            () -> TransportRealmSearchAction.readConfig(state, new String[] { "qa1", "other" }, null)
        );
        assertTrue(mixed.getMessage(), mixed.getMessage().contains("use different readers [qa] and [other-qa]"));
        IllegalArgumentException partly = expectThrows(
            IllegalArgumentException.class,
            () -> TransportRealmSearchAction.readConfig(state, new String[] { "qa1", "retrieval" }, null)
        );
        assertTrue(partly.getMessage(), partly.getMessage().contains("[qa] and [none]"));
    }

    public void testCreateRequestCarriesTheReader() throws Exception {
        CreateRealmIndexRequest request = new CreateRealmIndexRequest(
            "kb",
            "text",
            "enc",
            "qa",
            200,
            32,
            Settings.builder().put("index.realm.no_answer_threshold", 0.5).put("number_of_shards", 2).build()
        );
        assertNull(request.validate());
        BytesStreamOutput out = new BytesStreamOutput();
        request.writeTo(out);
        CreateRealmIndexRequest copy = new CreateRealmIndexRequest(out.bytes().streamInput());
        assertEquals("qa", copy.reader());
        Settings settings = copy.indexSettings();
        assertEquals("qa", settings.get("index.realm.reader"));
        assertEquals("0.5", settings.get("index.realm.no_answer_threshold"));

        assertEquals("no reader named: the project's", "realm-reader-minilm", new CreateRealmIndexRequest("kb", "text", "enc", 200, 32, Settings.EMPTY).indexSettings().get("index.realm.reader"));
        assertNull("an empty reader: the setting keeps its default (none)", new CreateRealmIndexRequest("kb", "text", "enc", "", 200, 32, Settings.EMPTY).indexSettings().get("index.realm.reader"));
        String inSettings = new CreateRealmIndexRequest("kb", "text", "enc", "", 200, 32, Settings.builder().put("realm.reader", "qa").build())
            .validate()
            .getMessage();
        assertTrue(inSettings, inSettings.contains("give the reader as [reader]"));
        String model = new CreateRealmIndexRequest("kb", "text", "enc", "", 200, 32, Settings.builder().put("index.realm.model", "x").build())
            .validate()
            .getMessage();
        assertTrue(model, model.contains("is set by the plugin"));
    }
}
