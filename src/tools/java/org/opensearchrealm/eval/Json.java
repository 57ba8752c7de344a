/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.eval;

import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Map;

/** JSON in and out, with OpenSearch's own x-content (the jars eval.sh compiles against). */
final class Json {

    private Json() {}

    static String write(Map<String, ?> map, boolean pretty) throws IOException {
        XContentBuilder b = JsonXContent.contentBuilder();
        if (pretty) {
            b.prettyPrint();
        }
        b.map(map);
        return BytesReference.bytes(b).utf8ToString();
    }

    static Map<String, Object> read(String json) {
        return XContentHelper.convertToMap(JsonXContent.jsonXContent, json, false);
    }
}
