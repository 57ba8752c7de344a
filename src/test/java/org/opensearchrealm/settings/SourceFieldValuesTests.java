/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.settings;

import org.opensearch.common.xcontent.support.XContentMapValues;
import org.opensearch.test.OpenSearchTestCase;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class SourceFieldValuesTests extends OpenSearchTestCase {

    public void testEveryWayOfWritingADottedField() {
        assertEquals(List.of("x"), SourceFieldValues.of(Map.of("a", Map.of("b", Map.of("c", "x"))), "a.b.c"));
        assertEquals(List.of("x"), SourceFieldValues.of(Map.of("a.b.c", "x"), "a.b.c"));
        assertEquals(List.of("x"), SourceFieldValues.of(Map.of("a", Map.of("b.c", "x")), "a.b.c"));
        assertEquals(List.of("x"), SourceFieldValues.of(Map.of("a.b", Map.of("c", "x")), "a.b.c"));
        assertEquals(List.of("x"), SourceFieldValues.of(Map.of("text", "x"), "text"));
    }

    /** extractValue takes the object "a" and never looks at the key "a.b.c" beside it. */
    public void testFindsADottedKeyBesideAnObjectOfTheSamePrefix() {
        Map<String, Object> source = Map.of("a", Map.of("title", "t"), "a.b.c", "x");
        assertNull(XContentMapValues.extractValue("a.b.c", source));
        assertEquals(List.of("x"), SourceFieldValues.of(source, "a.b.c"));
    }

    public void testEveryValueOfAFieldGivenTwice() {
        Map<String, Object> source = new HashMap<>();
        source.put("a", Map.of("b", "one"));
        source.put("a.b", "two");
        List<Object> values = SourceFieldValues.of(source, "a.b");
        assertEquals(2, values.size());
        assertTrue(values.containsAll(List.of("one", "two")));
    }

    public void testMissingNullAndArrays() {
        assertEquals(List.of(), SourceFieldValues.of(Map.of("other", "x"), "a.b"));
        assertEquals(List.of(), SourceFieldValues.of(Map.of("a", "not an object"), "a.b"));
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("a.b", null);
        assertEquals(List.of(), SourceFieldValues.of(nullValue, "a.b"));
        // an array is one value, whether it is the field's or lies on the way to it: a source field is one string
        assertEquals(List.of(List.of("x", "y")), SourceFieldValues.of(Map.of("a", Map.of("b", List.of("x", "y"))), "a.b"));
        List<Map<String, String>> objects = Arrays.asList(Map.of("b", "x"), Map.of("b", "y"));
        assertEquals(List.of(objects), SourceFieldValues.of(Map.of("a", objects), "a.b"));
    }
}
