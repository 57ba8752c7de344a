/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.admin.indices.create.CreateIndexAction;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.admin.indices.settings.put.UpdateSettingsAction;
import org.opensearch.action.admin.indices.settings.put.UpdateSettingsRequest;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.tasks.Task;
import org.opensearch.test.OpenSearchTestCase;

import java.util.concurrent.atomic.AtomicReference;

public class UnknownRealmSettingsFilterTests extends OpenSearchTestCase {

    /** What became of the request: the failure it got, or null when it went on along the chain. */
    private static Exception apply(String action, ActionRequest request) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        boolean[] proceeded = { false };
        ActionFilterChain<ActionRequest, ActionResponse> chain = new ActionFilterChain<>() {
            @Override
            public void proceed(Task task, String a, ActionRequest r, ActionListener<ActionResponse> l) {
                proceeded[0] = true;
            }
        };
        new UnknownRealmSettingsFilter().apply(null, action, request, null, ActionListener.wrap(r -> {}, failure::set), chain);
        assertTrue("neither refused nor passed on", proceeded[0] ^ failure.get() != null);
        return failure.get();
    }

    public void testUpdateOfAnUnknownRealmSettingListsTheDynamicOnes() {
        for (String key : new String[] { "index.realm.bogus", "realm.bogus" }) {
            Exception e = apply(UpdateSettingsAction.NAME, new UpdateSettingsRequest(Settings.builder().put(key, 1).build(), "kb"));
            assertTrue(e instanceof IllegalArgumentException);
            assertEquals(
                "unknown setting ["
                    + key
                    + "]: the plugin has no such setting; the index.realm.* settings that can be given here are [index.realm.fusion, "
                    + "index.realm.hybrid_weight, index.realm.max_answer_tokens, index.realm.no_answer_threshold, index.realm.query_model, index.realm.read_mass, "
                    + "index.realm.reader, index.realm.retrieval, index.realm.retrieval_depth, index.realm.retrieval_temperature, "
                    + "index.realm.title_field]",
                e.getMessage()
            );
        }
        assertNull(apply(UpdateSettingsAction.NAME, new UpdateSettingsRequest(Settings.builder().put("index.realm.reader", "r").build(), "kb")));
        // non-dynamic and foreign settings are OpenSearch's to refuse or take
        assertNull(apply(UpdateSettingsAction.NAME, new UpdateSettingsRequest(Settings.builder().put("index.realm.model", "m").build(), "kb")));
        assertNull(apply(UpdateSettingsAction.NAME, new UpdateSettingsRequest(Settings.builder().put("index.bogus", 1).build(), "kb")));
    }

    public void testCreateWithAnUnknownRealmSettingListsAllOfThem() {
        Exception e = apply(CreateIndexAction.NAME, new CreateIndexRequest("kb").settings(Settings.builder().put("index.realm.bogus", 1)));
        assertTrue(e.getMessage(), e.getMessage().startsWith("unknown setting [index.realm.bogus]"));
        assertTrue(e.getMessage(), e.getMessage().contains("index.realm.model, index.realm.no_answer_threshold"));
        assertNull(apply(CreateIndexAction.NAME, new CreateIndexRequest("kb").settings(Settings.builder().put("index.realm.model", "m"))));
    }

    public void testOtherActionsPass() {
        assertNull(apply("indices:data/read/search", new UpdateSettingsRequest(Settings.builder().put("index.realm.bogus", 1).build(), "kb")));
    }
}
