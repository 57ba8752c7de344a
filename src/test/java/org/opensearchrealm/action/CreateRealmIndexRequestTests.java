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
}
