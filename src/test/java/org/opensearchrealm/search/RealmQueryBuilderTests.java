/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.io.stream.NamedWriteableAwareStreamInput;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.ConstantScoreQueryBuilder;
import org.opensearch.index.query.MatchNoneQueryBuilder;
import org.opensearch.index.query.NestedQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.search.SearchModule;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.retrieve.Retriever;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;

import java.io.IOException;
import java.util.List;

public class RealmQueryBuilderTests extends OpenSearchTestCase {

    private static final SearchPlugin QUERIES = new SearchPlugin() {
        @Override
        public List<QuerySpec<?>> getQueries() {
            return List.of(
                new QuerySpec<>(RealmQueryBuilder.NAME, RealmQueryBuilder::new, RealmQueryBuilder::fromXContent),
                new QuerySpec<>(RetrievedPassagesQueryBuilder.NAME, RetrievedPassagesQueryBuilder::new, RetrievedPassagesQueryBuilder::fromXContent)
            );
        }
    };
    private final SearchModule search = new SearchModule(Settings.EMPTY, List.of(QUERIES));
    private final NamedWriteableRegistry writeables = new NamedWriteableRegistry(search.getNamedWriteables());
    private final NamedXContentRegistry xContent = new NamedXContentRegistry(search.getNamedXContents());

    private QueryBuilder parse(String json) throws IOException {
        try (XContentParser parser = JsonXContent.jsonXContent.createParser(xContent, DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
            return org.opensearch.index.query.AbstractQueryBuilder.parseInnerQueryBuilder(parser);
        }
    }

    private <T extends QueryBuilder> T roundTrip(T query) throws IOException {
        BytesStreamOutput out = new BytesStreamOutput();
        out.writeNamedWriteable(query);
        StreamInput in = new NamedWriteableAwareStreamInput(out.bytes().streamInput(), writeables);
        @SuppressWarnings("unchecked")
        T copy = (T) in.readNamedWriteable(QueryBuilder.class);
        return copy;
    }

    public void testParseWriteAndRender() throws IOException {
        RealmQueryBuilder query = (RealmQueryBuilder) parse(
            "{\"realm\":{\"query\":\"who?\",\"k\":7,\"retrieval\":\"bm25\",\"filter\":{\"term\":{\"lang\":\"en\"}},\"boost\":2,\"_name\":\"q\"}}"
        );
        assertEquals("who?", query.query());
        assertEquals(7, query.k());
        assertEquals(RetrievalMode.BM25, query.retrieval());
        assertEquals(2f, query.boost(), 0f);
        assertEquals("q", query.queryName());
        assertEquals(query, roundTrip(query));
        assertEquals(query, parse(query.toString())); // rendering parses back to the same query

        RealmQueryBuilder defaults = (RealmQueryBuilder) parse("{\"realm\":{\"query\":\"who?\"}}");
        assertEquals(5, defaults.k());
        assertNull(defaults.retrieval());
    }

    public void testBadQueries() {
        assertError("{\"realm\":{\"k\":3}}", "[realm] requires a non-empty [query]");
        assertError("{\"realm\":{\"query\":\"  \"}}", "[realm] requires a non-empty [query]");
        assertError("{\"realm\":{\"query\":\"who?\",\"k\":0}}", "[k] must be at least 1, got [0]");
        assertError("{\"realm\":{\"query\":\"who?\",\"retrieval\":\"sparse\"}}", "[retrieval] must be [dense], [bm25] or [hybrid], got [sparse]");
        assertError("{\"realm\":{\"query\":\"who?\",\"size\":3}}", "[realm] does not support [size]");
        assertError("{\"realm_retrieved\":{\"query\":\"who?\"}}", "[realm_retrieved] is internal");
    }

    private void assertError(String json, String message) {
        Exception e = expectThrows(Exception.class, () -> parse(json));
        Throwable cause = e;
        while (cause.getMessage() == null || cause.getMessage().contains(message) == false) {
            if (cause.getCause() == null) {
                fail("expected [" + message + "] in " + e);
            }
            cause = cause.getCause();
        }
    }

    public void testRetrievedPassagesBecomeANestedQueryWithTheirScores() throws IOException {
        List<RetrievedPassage> passages = List.of(
            new RetrievedPassage("kb", "a", 2, "text a2", 10, 17, 0.8f),
            new RetrievedPassage("kb", "b", 0, "text b0", 0, 7, -0.25f),
            new RetrievedPassage("other", "a", 1, "text a1", 5, 12, 0.5f)
        );
        RetrievedPassagesQueryBuilder retrieved = new RetrievedPassagesQueryBuilder("who?", 3, passages);
        retrieved.boost(3f).queryName("q");
        assertEquals(retrieved, roundTrip(retrieved));
        assertEquals(passages, roundTrip(retrieved).passages());
        assertFalse("no passage text in the rendering", retrieved.toString().contains("text a2"));

        NestedQueryBuilder nested = (NestedQueryBuilder) retrieved.passagesQuery();
        assertEquals(3f, nested.boost(), 0f);
        assertEquals("q", nested.queryName());
        assertEquals(1, nested.innerHit().getSize()); // at most one passage per document here
        List<QueryBuilder> clauses = ((BoolQueryBuilder) nested.query()).should();
        assertEquals(3, clauses.size());
        for (int i = 0; i < 3; i++) {
            float score = ((ConstantScoreQueryBuilder) clauses.get(i)).boost();
            assertTrue("positive: " + score, score > 0);
            assertEquals(passages.get(i).score(), Retriever.innerProduct(score), 1e-6);
        }
        BoolQueryBuilder first = (BoolQueryBuilder) ((ConstantScoreQueryBuilder) clauses.get(0)).innerQuery();
        assertEquals(
            List.of(QueryBuilders.termQuery("_index", "kb"), QueryBuilders.idsQuery().addIds("a"), QueryBuilders.termQuery("realm_passages.num", 2)),
            first.filter()
        );

        assertTrue(new RetrievedPassagesQueryBuilder("who?", 3, List.of()).passagesQuery() instanceof MatchNoneQueryBuilder);
    }
}
