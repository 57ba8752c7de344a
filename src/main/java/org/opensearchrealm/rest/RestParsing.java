/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.core.xcontent.XContentParseException;
import org.opensearch.core.xcontent.XContentParser;

import java.io.IOException;
import java.util.Arrays;

/** Strict reading of request bodies: every wrong type or unknown field is a 400 that names the field and its place. */
final class RestParsing {

    private RestParsing() {}

    /** Reads one field's value; the parser stands on the value's first token. */
    interface FieldReader {
        void read(String field, XContentParser parser) throws IOException;
    }

    /** Reads a body that must be one JSON object, handing each field to {@code reader}. */
    static void readObject(XContentParser parser, FieldReader reader) throws IOException {
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
