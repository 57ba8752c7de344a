/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.support.IndicesOptions;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchModule;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;
import org.opensearchrealm.retrieve.RetrievedPassage;

import java.util.List;

public class RealmSearchRequestTests extends OpenSearchTestCase {

    private final NamedWriteableRegistry registry = new NamedWriteableRegistry(new SearchModule(Settings.EMPTY, List.of()).getNamedWriteables());

    public void testRoundTrip() throws Exception {
        RealmSearchRequest request = new RealmSearchRequest(new String[] { "a", "b*" }, "who?", 9, QueryBuilders.termQuery("t", "v"));
        BytesStreamOutput out = new BytesStreamOutput();
        request.writeTo(out);
        StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry);
        RealmSearchRequest copy = new RealmSearchRequest(in);
        assertArrayEquals(request.indices(), copy.indices());
        assertEquals("who?", copy.query());
        assertEquals(9, copy.k());
        assertEquals(request.filter(), copy.filter());
        assertEquals(3, copy.numAnswers());
        assertFalse(copy.explain());
        assertNull(copy.read());
        assertNull(copy.validate());

        for (Boolean read : new Boolean[] { null, true, false }) {
            RealmSearchRequest reading = new RealmSearchRequest(new String[] { "a" }, "who?", 9, null, 7, true, read);
            BytesStreamOutput o = new BytesStreamOutput();
            reading.writeTo(o);
            RealmSearchRequest c = new RealmSearchRequest(new NamedWriteableAwareStreamInput(o.bytes().streamInput(), registry));
            assertEquals(7, c.numAnswers());
            assertTrue(c.explain());
            assertEquals(read, c.read());
        }
    }

    public void testIndicesOptionsTravelWithTheRequest() throws Exception {
        RealmSearchRequest request = new RealmSearchRequest(new String[] { "a", "missing" }, "who?", 3, null);
        assertEquals("as _search by default", IndicesOptions.strictExpandOpenAndForbidClosed(), request.indicesOptions());
        IndicesOptions lenient = IndicesOptions.fromOptions(true, false, true, true, true);
        request.indicesOptions(lenient);
        BytesStreamOutput out = new BytesStreamOutput();
        request.writeTo(out);
        RealmSearchRequest copy = new RealmSearchRequest(new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry));
        assertEquals(lenient, copy.indicesOptions());
        assertEquals("who?", copy.query());
    }

    public void testRetrievalModeTravelsWithTheRequest() throws Exception {
        for (RetrievalMode mode : new RetrievalMode[] { null, RetrievalMode.DENSE, RetrievalMode.BM25, RetrievalMode.HYBRID }) {
            RealmSearchRequest request = new RealmSearchRequest(new String[] { "a" }, "who?", 3, null).retrieval(mode);
            BytesStreamOutput out = new BytesStreamOutput();
            request.writeTo(out);
            RealmSearchRequest copy = new RealmSearchRequest(new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry));
            assertEquals(mode, copy.retrieval());
            assertEquals(3, copy.k());
        }
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> RetrievalMode.parse("sparse"));
        assertEquals("[retrieval] must be [dense], [bm25] or [hybrid], got [sparse]", e.getMessage());
    }

    public void testReadMassTravelsWithTheRequestAndIsChecked() throws Exception {
        for (Double mass : new Double[] { null, 0.0, 0.9, 1.0 }) {
            RealmSearchRequest request = new RealmSearchRequest(new String[] { "a" }, "who?", 3, null).readMass(mass);
            assertNull(request.validate());
            BytesStreamOutput out = new BytesStreamOutput();
            request.writeTo(out);
            assertEquals(mass, new RealmSearchRequest(new NamedWriteableAwareStreamInput(out.bytes().streamInput(), registry)).readMass());
        }
        for (double bad : new double[] { -0.1, 1.5, Double.NaN }) {
            String message = new RealmSearchRequest(new String[] { "a" }, "q", 1, null).readMass(bad).validate().getMessage();
            assertTrue(message, message.contains("[read_mass] must be between 0 and 1, got [" + bad + "]"));
        }
    }

    public void testValidation() {
        assertNotNull(new RealmSearchRequest(new String[] { "a" }, " ", 5, null).validate());
        assertNotNull(new RealmSearchRequest(new String[] { "a" }, null, 5, null).validate());
        assertNotNull(new RealmSearchRequest(new String[] { "a" }, "q", 0, null).validate());
        assertNull(new RealmSearchRequest(new String[] { "a" }, "q", 1, null).validate());
        assertNull(new RealmSearchRequest(new String[] { "a" }, "q", 1, null, 20, false, true).validate());
        assertNull(new RealmSearchRequest(new String[] { "a" }, "q", 1, null, 1, false, true).validate());
        for (int bad : new int[] { 0, 21, -1 }) {
            String message = new RealmSearchRequest(new String[] { "a" }, "q", 1, null, bad, false, null).validate().getMessage();
            assertTrue(message, message.contains("[num_answers] must be between 1 and 20, got [" + bad + "]"));
        }
    }

    public void testResponseRoundTrip() throws Exception {
        RealmSearchResponse response = new RealmSearchResponse(12, 3.5, 7.25, List.of(new RetrievedPassage("i", "d", 2, "text", 10, 14, 0.5f)));
        BytesStreamOutput out = new BytesStreamOutput();
        response.writeTo(out);
        RealmSearchResponse copy = new RealmSearchResponse(out.bytes().streamInput());
        assertEquals(response.passages(), copy.passages());
        assertEquals(12, copy.tookMillis());
        String json = org.opensearch.core.common.Strings.toString(org.opensearch.core.xcontent.MediaTypeRegistry.JSON, copy);
        assertTrue(json, json.contains("\"timing\":{\"encode\":3.5,\"search\":7.25}"));
        assertTrue(json, json.contains("\"_id\":\"d\",\"passage\":2"));
    }
}
