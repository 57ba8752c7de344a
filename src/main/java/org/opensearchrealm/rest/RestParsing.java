/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.apache.lucene.util.BytesRef;
import org.opensearch.common.xcontent.XContentType;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.MediaType;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.core.xcontent.XContentParseException;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.rest.RestRequest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Strict reading of request bodies: every wrong type or unknown field is a 400 that names the field and its place. */
final class RestParsing {

    private RestParsing() {}

    /** Reads one field's value; the parser stands on the value's first token. */
    interface FieldReader {
        void read(String field, XContentParser parser) throws IOException;
    }

    /**
     * Refuses a JSON or YAML body that is not valid UTF-8. The JSON parser (Jackson 2.18) reads some field names that
     * hold an invalid byte as if the byte were not there ({@code "expl\xFFain"} is {@code "explain"}), and lets
     * overlong forms and encoded surrogates through: the bytes are checked before they are parsed.
     */
    static void requireUtf8(BytesReference content, MediaType type) {
        if (XContentType.JSON.equals(type) == false && XContentType.YAML.equals(type) == false) {
            return; // CBOR and SMILE are binary
        }
        BytesRef bytes = content.toBytesRef();
        ByteBuffer in = ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(4096);
        CoderResult result;
        while ((result = decoder.decode(in, out, true)).isOverflow()) {
            out.clear();
        }
        if (result.isError()) {
            throw new IllegalArgumentException(
                "the request body is not valid UTF-8: byte [0x"
                    + Integer.toHexString(in.get(in.position()) & 0xFF)
                    + "] at offset ["
                    + (in.position() - bytes.offset)
                    + "]"
            );
        }
    }

    /**
     * Reads a body that must be one JSON object, handing each field to {@code reader}. Any {@link IOException} of the
     * parser is a body that cannot be read (e.g. a number or a field name longer than the parser's stream constraints
     * allow, which OpenSearch would otherwise answer with a 500) and becomes a 400.
     */
    static void readObject(XContentParser parser, FieldReader reader) {
        try {
            expectStartObject(parser);
            String field = null;
            for (XContentParser.Token token = parser.nextToken(); token != XContentParser.Token.END_OBJECT; token = parser.nextToken()) {
                if (token == XContentParser.Token.FIELD_NAME) {
                    field = parser.currentName();
                } else {
                    reader.read(field, parser);
                }
            }
            expectEnd(parser);
        } catch (IOException e) {
            throw new XContentParseException(parser.getTokenLocation(), "cannot read the request body: " + e.getMessage(), e);
        }
    }

    /**
     * The object the parser stands on, copied into a new parser after checking that it nests no deeper than
     * {@code maxDepth} objects and arrays. Query DSL is parsed recursively on the HTTP thread: a filter nested a few
     * hundred levels deep overflows its stack, and a {@link StackOverflowError} there stops the node. The copy is
     * iterative, so the check itself cannot overflow.
     */
    static XContentParser depthCheckedObject(XContentParser parser, String field, int maxDepth) throws IOException {
        expect(parser, XContentParser.Token.START_OBJECT, field);
        XContentBuilder copy = JsonXContent.contentBuilder();
        int depth = 0;
        XContentParser.Token token = parser.currentToken();
        do {
            if (token == null) {
                throw new XContentParseException(parser.getTokenLocation(), "[" + field + "] ends before its object is closed");
            }
            switch (token) {
                case START_OBJECT, START_ARRAY -> {
                    if (++depth > maxDepth) {
                        throw new XContentParseException(
                            parser.getTokenLocation(),
                            "[" + field + "] is nested more than [" + maxDepth + "] objects and arrays deep"
                        );
                    }
                    if (token == XContentParser.Token.START_OBJECT) {
                        copy.startObject();
                    } else {
                        copy.startArray();
                    }
                }
                case END_OBJECT -> {
                    depth--;
                    copy.endObject();
                }
                case END_ARRAY -> {
                    depth--;
                    copy.endArray();
                }
                case FIELD_NAME -> copy.field(parser.currentName());
                case VALUE_STRING -> copy.value(parser.text());
                case VALUE_NUMBER -> copy.value(parser.numberValue());
                case VALUE_BOOLEAN -> copy.value(parser.booleanValue());
                case VALUE_NULL -> copy.nullValue();
                case VALUE_EMBEDDED_OBJECT -> copy.value(parser.binaryValue());
            }
            if (depth > 0) {
                token = parser.nextToken();
            }
        } while (depth > 0);
        return XContentType.JSON.xContent()
            .createParser(parser.getXContentRegistry(), parser.getDeprecationHandler(), BytesReference.bytes(copy).streamInput());
    }

    private static void expectStartObject(XContentParser parser) throws IOException {
        if (parser.currentToken() == null) {
            parser.nextToken();
        }
        if (parser.currentToken() != XContentParser.Token.START_OBJECT) {
            throw new XContentParseException(parser.getTokenLocation(), "request body must be a JSON object");
        }
    }

    private static void expectEnd(XContentParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new XContentParseException(parser.getTokenLocation(), "unexpected content after the request body's object");
        }
    }

    static void expect(XContentParser parser, XContentParser.Token token, String field) {
        if (parser.currentToken() != token) {
            throw new XContentParseException(
                parser.getTokenLocation(),
                "[" + field + "] must be " + describe(token) + ", got " + describe(parser.currentToken())
            );
        }
    }

    static String string(XContentParser parser, String field) throws IOException {
        expect(parser, XContentParser.Token.VALUE_STRING, field);
        return parser.text();
    }

    static boolean bool(XContentParser parser, String field) throws IOException {
        expect(parser, XContentParser.Token.VALUE_BOOLEAN, field);
        return parser.booleanValue();
    }

    static int integer(XContentParser parser, String field) throws IOException {
        if (parser.currentToken() != XContentParser.Token.VALUE_NUMBER || parser.numberType() != XContentParser.NumberType.INT) {
            throw new XContentParseException(
                parser.getTokenLocation(),
                "[" + field + "] must be an integer, got " + (parser.currentToken().isValue() ? "[" + parser.text() + "]" : describe(parser.currentToken()))
            );
        }
        return parser.intValue();
    }

    static double number(XContentParser parser, String field) throws IOException {
        expect(parser, XContentParser.Token.VALUE_NUMBER, field);
        return parser.doubleValue();
    }

    /** A URL parameter that must be a finite number. */
    static double doubleParam(RestRequest request, String name) {
        String value = request.param(name);
        try {
            double parsed = Double.parseDouble(value);
            if (Double.isFinite(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("[" + name + "] must be a number, got [" + value + "]");
    }

    static XContentParseException unknownField(XContentParser parser, String field, String... known) {
        return new XContentParseException(parser.getTokenLocation(), "unknown field [" + field + "], expected one of " + Arrays.toString(known));
    }

    private static String describe(XContentParser.Token token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER -> "a number";
            case VALUE_BOOLEAN -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }
}
