/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.settings;

import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

import static org.opensearch.common.xcontent.XContentFactory.jsonBuilder;

/**
 * The layout of a REALM index: the source text field, and its passages as nested documents so that a document's
 * passages are written, replaced and deleted together with it (one Lucene block).
 */
public final class RealmMapping {

    /** The nested field holding a document's passages. */
    public static final String PASSAGES = "realm_passages";
    public static final String NUMBER = "num";
    public static final String TEXT = "text";
    public static final String START = "start";
    public static final String END = "end";
    public static final String VECTOR = "vector";

    private RealmMapping() {}

    public static String vectorPath() {
        return PASSAGES + "." + VECTOR;
    }

    /**
     * The mapping always names its k-NN method: a {@code knn_vector} without one falls back to faiss, which this
     * plugin does not rely on being present. Inner product on unit-norm vectors is the MIPS that REALM retrieves with.
     *
     * <p>The passage vectors are left out of {@code _source}: they are indexed for k-NN, but a document's source is
     * what its client wrote plus the passages' text and offsets. Every fetch of a document (a {@code _search} hit, the
     * passages {@code _realm} reads as inner hits) would otherwise rebuild them from the vector index (the k-NN
     * plugin's derived source) only to send or drop them; and the ingest pipeline embeds a document's text again
     * whenever it is written (update, reindex), so nothing needs them there.
     */
    public static XContentBuilder mapping(String sourceField, int dimension) throws IOException {
        XContentBuilder b = jsonBuilder().startObject();
        b.startObject("_source").array("excludes", vectorPath()).endObject();
        b.startObject("properties");
        b.startObject(sourceField).field("type", "text").endObject();
        b.startObject(PASSAGES).field("type", "nested").startObject("properties");
        b.startObject(NUMBER).field("type", "integer").endObject();
        b.startObject(TEXT).field("type", "text").endObject();
        b.startObject(START).field("type", "integer").field("index", false).endObject();
        b.startObject(END).field("type", "integer").field("index", false).endObject();
        b.startObject(VECTOR)
            .field("type", "knn_vector")
            .field("dimension", dimension)
            .startObject("method")
            .field("name", "hnsw")
            .field("engine", "lucene")
            .field("space_type", "innerproduct")
            .endObject()
            .endObject();
        b.endObject().endObject();
        return b.endObject().endObject();
    }
}
