/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.retrieve;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.index.query.QueryBuilders;
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
}
