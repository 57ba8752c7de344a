/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.retrieve;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.test.OpenSearchTestCase;

import java.util.List;
import java.util.Map;

public class RetrieverTests extends OpenSearchTestCase {

    public void testInnerProductIsRecoveredFromKnnScore() {
        for (float ip : new float[] { -0.9f, -0.25f, 0f, 0.3f, 0.99f }) {
            float knnScore = ip >= 0 ? 1 + ip : 1 / (1 - ip);
            assertEquals(ip, Retriever.innerProduct(knnScore), 1e-6);
        }
    }

    @SuppressWarnings("unchecked")
    public void testKnnQueryNamesVectorKAndFilter() throws Exception {
        String json = Retriever.knnQuery(new float[] { 0.5f, -1f }, 7, QueryBuilders.termQuery("title", "x"));
        Map<String, Object> knn = (Map<String, Object>) XContentHelper.convertToMap(new BytesArray(json), false, MediaTypeRegistry.JSON)
            .v2()
            .get("knn");
        Map<String, Object> field = (Map<String, Object>) knn.get("realm_passages.vector");
        assertEquals(List.of(0.5, -1.0), field.get("vector"));
        assertEquals(7, field.get("k"));
        assertEquals(true, field.get("expand_nested_docs"));
        assertTrue(field.get("filter").toString(), ((Map<String, Object>) field.get("filter")).containsKey("term"));
    }

    public void testKnnQueryWithoutFilter() throws Exception {
        assertFalse(Retriever.knnQuery(new float[] { 1f }, 1, null).contains("filter"));
    }

    public void testPassageIsReadableOnlyWhereTheCallerSeesItsTextInTheSourceField() {
        String source = "Tonight the moon is over the water.";
        assertTrue(Retriever.readableInSource(source, "the moon", 8, 16));
        assertTrue(Retriever.readableInSource(source, source, 0, source.length()));
        // field-level security hides the source field: the search returns no value for it
        assertFalse(Retriever.readableInSource(null, "the moon", 8, 16));
        // masking replaces the value with a hash
        assertFalse(Retriever.readableInSource("6474b0e7eba8fb75aa2598dfb0d60faac55ee8d3164cbb1099e03953c738ea39", "the moon", 8, 16));
        // a source field that is not one string, offsets that do not fit, text that differs from the source
        assertFalse(Retriever.readableInSource(List.of(source), "the moon", 8, 16));
        assertFalse(Retriever.readableInSource(source, "the moon", 30, 38));
        assertFalse(Retriever.readableInSource(source, "the moon", -1, 7));
        assertFalse(Retriever.readableInSource(source, "the moo", 8, 16));
        assertFalse(Retriever.readableInSource(source, "the sun!", 8, 16));
    }

    public void testSearchFetchesTheSourceFieldsAsTheCallerSeesThem() throws Exception {
        SearchSourceBuilder source = Retriever.source(QueryBuilders.matchAllQuery(), 3, List.of("text", "body", "text"));
        assertArrayEquals(new String[] { "body", "text" }, source.fetchSource().includes());
        assertTrue(source.fetchSource().fetchSource());
        // no source field to check passages against: nothing is fetched (empty includes would fetch the whole source)
        assertFalse(Retriever.source(QueryBuilders.matchAllQuery(), 3, List.of()).fetchSource().fetchSource());
    }

    public void testBm25FiltersDocumentsAndAsksForEveryPassageOfItsDepth() throws Exception {
        Retriever.Question question = new Retriever.Question("who won", null, 5, QueryBuilders.termQuery("title", "x"));
        Map<String, Object> query = XContentHelper.convertToMap(
            MediaTypeRegistry.JSON.xContent(),
            Retriever.bm25(question, 40, "").toString(),
            false
        );
        Map<?, ?> bool = (Map<?, ?>) query.get("bool");
        assertTrue("the filter names document fields: it is outside the nested query " + query, bool.get("filter").toString().contains("title"));
        Map<?, ?> nested = (Map<?, ?>) ((Map<?, ?>) ((List<?>) bool.get("must")).get(0)).get("nested");
        assertEquals("realm_passages", nested.get("path"));
        assertTrue(nested.get("query").toString(), nested.get("query").toString().contains("realm_passages.text"));
        assertEquals(40, ((Map<?, ?>) nested.get("inner_hits")).get("size"));
        assertFalse("no filter, no bool", Retriever.bm25(new Retriever.Question("q", null, 5, null), 40, "").toString().contains("bool"));
    }

    public void testBm25MatchesTheTitleFieldBesideThePassages() throws Exception {
        Retriever.Question question = new Retriever.Question("who won", null, 5, null);
        Map<String, Object> query = XContentHelper.convertToMap(
            MediaTypeRegistry.JSON.xContent(),
            Retriever.bm25(question, 40, "headline").toString(),
            false
        );
        Map<?, ?> bool = (Map<?, ?>) query.get("bool");
        assertTrue(query.toString(), ((List<?>) bool.get("should")).get(0).toString().contains("headline"));
        assertTrue(query.toString(), ((List<?>) bool.get("must")).get(0).toString().contains("nested"));
        assertNull("no filter", bool.get("filter"));
    }
}
