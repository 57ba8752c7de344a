/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import org.opensearch.Version;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.core.common.io.stream.NotSerializableExceptionWrapper;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearch.transport.NodeDisconnectedException;
import org.opensearch.transport.ReceiveTimeoutTransportException;
import org.opensearch.transport.RemoteTransportException;
import org.opensearchrealm.model.ModelException;
import org.opensearchrealm.model.Reader.PassageReading;
import org.opensearchrealm.model.Reader.Span;

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

}
