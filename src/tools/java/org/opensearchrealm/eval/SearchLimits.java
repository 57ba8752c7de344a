/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import java.util.HashMap;
import java.util.Map;

/** The node's {@code _realm} limits the questions must stay within: the largest k and the longest query. */
record SearchLimits(int maxK, int maxQueryChars) {

    /** Read from the cluster's settings (defaults, then persistent, then transient), or the plugin's defaults. */
    @SuppressWarnings("unchecked")
    static SearchLimits of(NodeClient node) {
        Map<String, Object> s = node.request("GET", "/_cluster/settings?include_defaults=true&flat_settings=true", null, 200);
        Map<String, String> merged = new HashMap<>();
        for (String part : new String[] { "defaults", "persistent", "transient" }) {
            ((Map<String, Object>) s.getOrDefault(part, Map.of())).forEach((k, v) -> merged.put(k, String.valueOf(v)));
        }
        return new SearchLimits(intSetting(merged, "plugins.realm.search.max_k", 100), intSetting(merged, "plugins.realm.search.max_query_chars", 1000));
    }

    /** The question as sent: cut to the longest query the node takes. */
    String query(String question) {
        return question.length() <= maxQueryChars ? question : question.substring(0, maxQueryChars);
    }

    private static int intSetting(Map<String, String> s, String key, int dflt) {
        try {
            return s.containsKey(key) ? Integer.parseInt(s.get(key)) : dflt;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }
}
