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
import java.util.function.Function;

import static org.opensearch.test.OpenSearchTestCase.between;
import static org.opensearch.test.OpenSearchTestCase.randomAlphaOfLength;
import static org.opensearch.test.OpenSearchTestCase.randomBoolean;
import static org.opensearch.test.OpenSearchTestCase.randomFrom;
import static org.opensearch.test.OpenSearchTestCase.randomRealisticUnicodeOfCodepointLengthBetween;
import static org.opensearchrealm.rest.RealmRestSupport.json;
import static org.opensearchrealm.rest.RealmRestSupport.obj;

/**
 * The one table of mutations the fuzzers of {@link HostileCases} draw from, with the seeded random generator of the
 * test: each breaks a valid request (a JSON object body on its endpoint's path, a {@link Draft}) in one way and says
 * how. The plugin's own endpoints ({@code _realm}, index creation) parse strictly and take the whole
 * {@link #strict table}; documents, parsed by OpenSearch, take the entries whose result OpenSearch refuses too (it
 * takes unknown fields, and some invalid bytes in field names).
 */
final class JsonMutations {

    private JsonMutations() {}

    static final String JSON = "application/json";
    static final int MEGABYTE = 1 << 20;
    /** Bytes that are never valid UTF-8 where they are put: stray continuation bytes, bytes no encoding uses, a lead byte without its continuation. */
    static final byte[][] INVALID_UTF8 = {
        { (byte) 0xFF },
        { (byte) 0xFE },
        { (byte) 0x80 },
        { (byte) 0xBF },
        { (byte) 0xC3, '(' },
        { (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80 } };
    /** Content types OpenSearch does not read (406). */
    private static final String[] UNREADABLE_TYPES = {
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "image/png",
        "garbage" };

    /** A request being broken: a valid JSON object body on its endpoint's path, until one mutation changes it. */
    static final class Draft {
        String what = "valid";
        String path;
        Map<String, String> params = Map.of();
        String contentType = JSON;
        /** The body as an object, for the mutations that change its fields. */
        final Map<String, Object> fields;
        /** The body's bytes, once a mutation wrote them itself. */
        private byte[] raw;

        Draft(String path, Map<String, Object> fields) {
            this.path = path;
            this.fields = fields;
        }

        byte[] body() throws IOException {
            return raw != null ? raw : bytes(fieldsJson());
        }

        private String fieldsJson() throws IOException {
            return json(fields);
        }

        void replace(String what, byte[] raw) {
            this.what = what;
            this.raw = raw;
        }
    }

    /** One way of breaking a draft; sets its {@code what}. */
    interface Mutation {
        void apply(Draft d) throws IOException;
    }

    static final Mutation TRUNCATED = d -> d.replace("truncated body", truncated(d.fieldsJson()));
    static final Mutation INVALID_UTF8_ANYWHERE = d -> d.replace("invalid UTF-8", withInvalidUtf8(d.fieldsJson()));
    /** Inside a string value, where every JSON parser reads the bytes: the body's last string must be a value. */
    static final Mutation INVALID_UTF8_IN_A_VALUE = d -> d.replace("invalid UTF-8 in a value", withInvalidUtf8InLastString(d.fieldsJson()));
    static final Mutation UNKNOWN_FIELD = d -> {
        d.what = "unknown field";
        d.fields.put(unknownFieldName(d.fields), randomValue());
    };
    static final Mutation DUPLICATE_KEY = d -> d.replace("duplicate key", withDuplicateKey(d.fields));
    static final Mutation NOT_AN_OBJECT = d -> d.replace("not an object", bytes(notAnObject(d.fieldsJson())));
    static final Mutation OVERSIZED_TOKEN = d -> d.replace("oversized token", bytes(oversizedToken(d.fieldsJson())));
    static final Mutation UNREADABLE_CONTENT_TYPE = d -> {
        d.what = "unreadable content type";
        d.contentType = randomFrom(UNREADABLE_TYPES);
    };

    /** One of the fields set to a value of the wrong type or out of range, as {@code badValue} gives them for the field. */
    static Mutation wrongValue(List<String> fields, Function<String, Object> badValue) {
        return d -> {
            String field = randomFrom(fields);
            d.what = "wrong type or out of range: " + field;
            d.fields.put(field, badValue.apply(field));
        };
    }

    /** Every mutation, once: for an endpoint that refuses all of them. */
    static List<Mutation> strict(List<String> fields, Function<String, Object> badValue) {
        return List.of(
            TRUNCATED,
            INVALID_UTF8_ANYWHERE,
            wrongValue(fields, badValue),
            UNKNOWN_FIELD,
            DUPLICATE_KEY,
            NOT_AN_OBJECT,
            OVERSIZED_TOKEN,
            UNREADABLE_CONTENT_TYPE
        );
    }

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
    private static byte[] truncated(String json) {
        byte[] all = bytes(json);
        return Arrays.copyOf(all, between(1, all.length - 1));
    }

    private static byte[] withInvalidUtf8(String json) {
        byte[] all = bytes(json);
        return insert(all, between(1, all.length - 1), randomFrom(INVALID_UTF8));
    }

    private static byte[] withInvalidUtf8InLastString(String json) {
        int closingQuote = bytes(json.substring(0, json.lastIndexOf('"'))).length;
        return insert(bytes(json), closingQuote, randomFrom(INVALID_UTF8));
    }

    private static byte[] insert(byte[] all, int at, byte[] bad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(all, 0, at);
        out.writeBytes(bad);
        out.write(all, at, all.length - at);
        return out.toByteArray();
    }

    private static byte[] withDuplicateKey(Map<String, Object> valid) throws IOException {
        String key = randomFrom(new ArrayList<>(valid.keySet()));
        Object value = randomBoolean() ? valid.get(key) : randomValue();
        return bytes("{" + json(key) + ":" + json(value) + "," + json(valid).substring(1));
    }

    private static String unknownFieldName(Map<String, Object> valid) {
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

    private static Object randomValue() {
        return randomFrom(1, "x", true, List.of(1, "a"), obj("a", obj("b", 1)), 1.5);
    }

    /** Something that is not one JSON object: a scalar, an array, two objects, an object followed by garbage. */
    private static String notAnObject(String valid) {
        return randomFrom("[]", "[" + valid + "]", "\"" + valid.replace("\"", "'") + "\"", "42", "null", "true", valid + valid, valid + " garbage", valid + "}");
    }

    /** A number, field name or nesting longer or deeper than the JSON parser's limits allow. */
    private static String oversizedToken(String valid) {
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
