/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.IndicesRequest;
import org.opensearch.common.settings.Settings;
import org.opensearch.test.OpenSearchTestCase;

public class CreateRealmIndexRequestTests extends OpenSearchTestCase {

    public void testSecurityPluginCanResolveTheOneIndexName() {
        CreateRealmIndexRequest request = new CreateRealmIndexRequest("kb", "text", "m", 200, 20, Settings.EMPTY);
        // a replaceable request is checked against its own name by the security plugin, not against all indices
        assertTrue(request instanceof IndicesRequest.Replaceable);
        assertArrayEquals(new String[] { "kb" }, request.indices());
        request.indices("kb-2");
        assertEquals("kb-2", request.index());
        expectThrows(IllegalArgumentException.class, () -> request.indices("a", "b"));
        expectThrows(IllegalArgumentException.class, () -> request.indices(new String[0]));
        assertEquals("kb-2", request.index());
    }

    /** An index.realm.* setting the plugin does not have is unknown (not one the plugin sets), with those that can be given. */
    public void testUnknownRealmSettingIsNamedUnknown() {
        for (String key : new String[] { "index.realm.bogus", "realm.bogus" }) {
            String message = new CreateRealmIndexRequest("kb", "text", "m", 200, 20, Settings.builder().put(key, 1).build()).validate()
                .getMessage();
            assertTrue(message, message.contains("unknown setting [" + key + "]"));
            assertTrue(
                message,
                message.contains(
                    "[index.realm.fusion, index.realm.hybrid_weight, index.realm.max_answer_tokens, index.realm.no_answer_threshold, "
                        + "index.realm.query_model, index.realm.read_mass, index.realm.retrieval, index.realm.retrieval_depth, index.realm.retrieval_temperature, index.realm.title_field]"
                )
            );
            assertFalse(message, message.contains("set by the plugin"));
        }
        String model = new CreateRealmIndexRequest("kb", "text", "m", 200, 20, Settings.builder().put("index.realm.source_field", "b").build())
            .validate()
            .getMessage();
        assertTrue(model, model.contains("setting [index.realm.source_field] is set by the plugin"));
    }
}
