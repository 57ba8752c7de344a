/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.opensearch.test.OpenSearchTestCase.between;
import static org.opensearch.test.OpenSearchTestCase.randomAlphaOfLength;
import static org.opensearch.test.OpenSearchTestCase.randomBoolean;
import static org.opensearch.test.OpenSearchTestCase.randomFrom;
import static org.opensearch.test.OpenSearchTestCase.randomRealisticUnicodeOfCodepointLengthBetween;
import static org.opensearchrealm.rest.RealmRestSupport.json;
import static org.opensearchrealm.rest.RealmRestSupport.obj;

/** Ways to break a valid JSON body, drawn from the test's seeded random generator ({@link HostileCases}). */
final class JsonMutations {

    private JsonMutations() {}

    static final int MEGABYTE = 1 << 20;
    /** Bytes that are never valid UTF-8 where they are put: stray continuation bytes, bytes no encoding uses, a lead byte without its continuation. */
    static final byte[][] INVALID_UTF8 = {
        { (byte) 0xFF },
        { (byte) 0xFE },
        { (byte) 0x80 },
        { (byte) 0xBF },
        { (byte) 0xC3, '(' },
        { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 } };

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(before));
        out.writeBytes(middle);
        out.writeBytes(bytes(after));
        return out.toByteArray();
    }

    /** A strict, non-empty prefix of a JSON object: never valid JSON. */
    static byte[] truncated(String json) {
        byte[] all = bytes(json);
        return Arrays.copyOf(all, between(1, all.length - 1));
    }

    static byte[] withInvalidUtf8(String json) {
        byte[] all = bytes(json);
        int at = between(1, all.length - 1);
        byte[] bad = randomFrom(INVALID_UTF8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(all, 0, at);
        out.writeBytes(bad);
        out.write(all, at, all.length - at);
        return out.toByteArray();
    }

    static byte[] withDuplicateKey(Map<String, Object> valid) throws IOException {
        String key = randomFrom(new ArrayList<>(valid.keySet()));
        Object value = randomBoolean() ? valid.get(key) : randomValue();
        return bytes("{" + json(key) + ":" + json(value) + "," + json(valid).substring(1));
    }

    static String unknownFieldName(Map<String, Object> valid) {
        String name;
        do {
            name = randomFrom(
                "Query",
                "K",
                "query ",
                "",
                "size",
                "script",
                "_source",
                "knn",
                randomAlphaOfLength(between(1, 30)),
                randomRealisticUnicodeOfCodepointLengthBetween(1, 20),
                "x".repeat(between(1000, 40000))
            );
        } while (valid.containsKey(name));
        return name;
    }

    static Object randomValue() {
        return randomFrom(1, "x", true, List.of(1, "a"), obj("a", obj("b", 1)), 1.5);
    }

    /** Something that is not one JSON object: a scalar, an array, two objects, an object followed by garbage. */
    static String notAnObject(String valid) {
        return randomFrom("[]", "[" + valid + "]", "\"" + valid.replace("\"", "'") + "\"", "42", "null", "true", valid + valid, valid + " garbage", valid + "}");
    }

    /** A number, field name or nesting longer or deeper than the JSON parser's limits allow. */
    static String oversizedToken(String valid) {
        return switch (between(0, 3)) {
            case 0 -> "{\"k\":" + "7".repeat(between(1001, 200_000)) + "," + valid.substring(1);
            case 1 -> "{\"" + "f".repeat(between(50_001, MEGABYTE)) + "\":1," + valid.substring(1);
            case 2 -> {
                int depth = between(1001, 5000);
                yield "{\"nested\":" + "[".repeat(depth) + "]".repeat(depth) + "," + valid.substring(1);
            }
            default -> "{\"nested\":" + "{\"a\":".repeat(1100) + "1" + "}".repeat(1100) + "," + valid.substring(1);
        };
    }
}
