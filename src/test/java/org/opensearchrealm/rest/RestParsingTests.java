/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.rest;

import org.opensearch.common.xcontent.XContentType;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParseException;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.test.OpenSearchTestCase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;

/** The parts of body parsing that guard the node: nesting depth and the parser's own limits. */
public class RestParsingTests extends OpenSearchTestCase {

    private static XContentParser parser(String json) throws IOException {
        return JsonXContent.jsonXContent.createParser(NamedXContentRegistry.EMPTY, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json);
    }

    /** The copy holds the same content, and the original parser is left on the object's last token. */
    public void testDepthCheckedCopyIsFaithful() throws IOException {
        String filter = "{\"bool\":{\"must\":[{\"term\":{\"a\":1.5}},{\"terms\":{\"b\":[true,null,\"x\",12345678901234567890]}}],\"boost\":2}}";
        try (XContentParser outer = parser("{\"filter\":" + filter + ",\"k\":3}")) {
            outer.nextToken();
            outer.nextToken();
            outer.nextToken();
            Map<String, Object> copied;
            try (XContentParser copy = RestParsing.depthCheckedObject(outer, "filter", 6)) {
                copied = copy.map();
            }
            assertEquals(XContentParser.Token.END_OBJECT, outer.currentToken());
            assertEquals(XContentParser.Token.FIELD_NAME, outer.nextToken());
            assertEquals("k", outer.currentName());
            try (XContentParser original = parser(filter)) {
                assertEquals(original.map(), copied);
            }
        }
    }

    public void testTooDeepIsRefusedWithoutRecursion() throws IOException {
        int depth = randomIntBetween(7, 20_000);
        String deep = "[".repeat(depth) + "]".repeat(depth);
        try (XContentParser p = parser("{\"terms\":{\"a\":" + deep + "}}")) {
            p.nextToken();
            XContentParseException e = expectThrows(XContentParseException.class, () -> RestParsing.depthCheckedObject(p, "filter", 6));
            assertThat(e.getMessage(), containsString("[filter] is nested more than [6] objects and arrays deep"));
        }
    }

    public void testNotAnObject() throws IOException {
        try (XContentParser p = parser("[1]")) {
            p.nextToken();
            XContentParseException e = expectThrows(XContentParseException.class, () -> RestParsing.depthCheckedObject(p, "filter", 6));
            assertThat(e.getMessage(), containsString("[filter] must be an object, got an array"));
        }
    }

    /** Jackson's stream constraints (number and name length, depth) throw IOExceptions, which OpenSearch answers with a 500. */
    public void testParserLimitsBecomeParseErrors() throws IOException {
        String[] bodies = {
            "{\"k\":" + "9".repeat(1001) + "}",
            "{\"" + "f".repeat(50_001) + "\":1}",
            "{\"k\":" + "[".repeat(1001) + "]".repeat(1001) + "}" };
        for (String body : bodies) {
            try (XContentParser p = parser(body)) {
                XContentParseException e = expectThrows(XContentParseException.class, () -> RestParsing.readObject(p, (field, parser) -> {
                    parser.skipChildren();
                }));
                assertThat(e.getMessage(), containsString("cannot read the request body"));
                assertThat(e.getMessage(), containsString("exceeds the maximum allowed"));
            }
        }
    }

    public void testRequireUtf8() {
        byte[][] bad = {
            { '{', '"', 'e', 'x', 'p', 'l', (byte) 0xFF, 'a', 'i', 'n', '"', ':', '1', '}' },
            { '{', '"', 'q', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}' },
            { '{', '"', 'q', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}' },
            { '{', '"', 'q', '"', ':', '"', (byte) 0xC3 } };
        for (byte[] body : bad) {
            IllegalArgumentException e = expectThrows(
                IllegalArgumentException.class,
                () -> RestParsing.requireUtf8(new BytesArray(body), XContentType.JSON)
            );
            assertThat(e.getMessage(), containsString("the request body is not valid UTF-8: byte [0x"));
        }
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> RestParsing.requireUtf8(new BytesArray(bad[0]), XContentType.YAML));
        assertThat(e.getMessage(), containsString("byte [0xff] at offset [6]"));
        RestParsing.requireUtf8(new BytesArray(bad[0]), XContentType.CBOR); // binary formats are not text
        String text = "{\"q\":\"Käsekuchen 🍵 中文 " + "x".repeat(10_000) + "\"}";
        RestParsing.requireUtf8(new BytesArray(text.getBytes(StandardCharsets.UTF_8)), XContentType.JSON);
    }
}
