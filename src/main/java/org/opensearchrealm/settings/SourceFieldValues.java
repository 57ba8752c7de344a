/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values of a dotted field in a document's source, found as OpenSearch's document parser finds them: each dot of
 * {@code a.b.c} either separates objects or is part of a key, so {@code {"a":{"b":{"c":..}}}}, {@code {"a.b.c":..}},
 * {@code {"a":{"b.c":..}}} and {@code {"a.b":{"c":..}}} all hold field {@code a.b.c}. Ingest field paths
 * ({@code IngestDocument}) only see the first form, and {@code XContentMapValues.extractValue} stops at the first key
 * that matches, so neither finds every value. An array on the way is a value of its own (a REALM source field is one
 * string, and an array is refused as not being one).
 */
public final class SourceFieldValues {

    private SourceFieldValues() {}

    /** Every non-null value of field {@code path} in {@code source}, in document order. */
    public static List<Object> of(Map<String, ?> source, String path) {
        List<Object> values = new ArrayList<>();
        collect(source, path.split("\\.", -1), 0, values);
        return values;
    }

    private static void collect(Object node, String[] parts, int from, List<Object> values) {
        if (from == parts.length || node instanceof List) {
            if (node != null) {
                values.add(node);
            }
        } else if (node instanceof Map<?, ?> map) {
            StringBuilder key = new StringBuilder();
            for (int to = from; to < parts.length; to++) {
                key.append(to == from ? "" : ".").append(parts[to]);
                if (map.containsKey(key.toString())) {
                    collect(map.get(key.toString()), parts, to + 1, values);
                }
            }
        }
    }
}
