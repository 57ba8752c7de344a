/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.opensearch.action.search.SearchRequest;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.answer.AnswerPassage;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class RealmSearchProcessorsTests extends OpenSearchTestCase {

    private static RealmQueryRequestProcessor requestProcessor(Map<String, Object> config) throws Exception {
        return (RealmQueryRequestProcessor) new RealmQueryRequestProcessor.Factory().create(Map.of(), "t", null, false, new HashMap<>(config), null);
    }

    public void testQueryBarTextBecomesARealmQuery() throws Exception {
        RealmQueryRequestProcessor processor = requestProcessor(Map.of("k", 4, "retrieval", "hybrid"));
        // what Discover sends: the query bar in bool.must, DQL and the time range in bool.filter
        BoolQueryBuilder discover = QueryBuilders.boolQuery()
            .must(QueryBuilders.queryStringQuery("Who invented the telephone?").analyzeWildcard(true))
            .filter(QueryBuilders.matchPhraseQuery("title", "history"))
            .filter(QueryBuilders.rangeQuery("date").gte("now-15y"));
        SearchRequest request = new SearchRequest("kb").source(new SearchSourceBuilder().query(discover));
        processor.processRequest(request);
        BoolQueryBuilder rewritten = (BoolQueryBuilder) request.source().query();
        assertEquals(new RealmQueryBuilder("Who invented the telephone?", 4, RetrievalMode.HYBRID, null), rewritten.must().get(0));
        assertEquals(2, rewritten.filter().size()); // filters stay: they filter the retrieved passages' documents

        QueryBuilder match = QueryBuilders.matchQuery("text", "what is Etna?").boost(2f);
        assertEquals(new RealmQueryBuilder("what is Etna?", 4, RetrievalMode.HYBRID, null).boost(2f), processor.rewrite(match));
        assertEquals(
            new RealmQueryBuilder("how tall?", 4, RetrievalMode.HYBRID, null),
            processor.rewrite(QueryBuilders.multiMatchQuery("how tall?", "text", "title"))
        );
        for (QueryBuilder unchanged : List.of(
            QueryBuilders.queryStringQuery("*"),
            QueryBuilders.matchAllQuery(),
            QueryBuilders.boolQuery().filter(QueryBuilders.matchQuery("t", "x")),
            QueryBuilders.boolQuery().mustNot(QueryBuilders.matchQuery("t", "x"))
        )) {
            assertSame(unchanged, processor.rewrite(unchanged));
        }
    }

    public void testProcessorConfiguration() throws Exception {
        assertEquals(
            new RealmQueryBuilder("q", 5, null, null),
            requestProcessor(Map.of()).rewrite(QueryBuilders.matchQuery("t", "q"))
        );
        Exception e = expectThrows(Exception.class, () -> requestProcessor(Map.of("k", 0)));
        assertTrue(e.getMessage(), e.getMessage().contains("must be at least 1"));
        e = expectThrows(Exception.class, () -> requestProcessor(Map.of("retrieval", "sparse")));
        assertTrue(e.getMessage(), e.getMessage().contains("[retrieval] must be [dense], [bm25] or [hybrid]"));
        e = expectThrows(
            Exception.class,
            () -> new RealmAnswersProcessor.Factory(() -> null, () -> null).create(Map.of(), "t", null, false, new HashMap<>(Map.of("num_answers", 99)), null)
        );
        assertTrue(e.getMessage(), e.getMessage().contains("must be between 1 and 20"));
    }

    public void testQuestions() {
        QueryBuilder query = QueryBuilders.boolQuery()
            .mustNot(new RealmQueryBuilder("negated", 3, null, null))
            .filter(QueryBuilders.termQuery("t", "x"))
            .must(QueryBuilders.matchQuery("text", "the question"))
            .should(new RealmQueryBuilder("asked", 4, null, null));
        assertEquals(new Questions.RealmClause("asked", 4, null), Questions.realmClause(query).orElseThrow());
        assertEquals("the question", Questions.queryText(query).orElseThrow());
        List<RetrievedPassage> passages = List.of(new RetrievedPassage("kb", "a", 0, "t", 0, 1, 1f));
        assertEquals(
            new Questions.RealmClause("asked", 2, passages),
            Questions.realmClause(QueryBuilders.boolQuery().must(new RetrievedPassagesQueryBuilder("asked", 2, passages))).orElseThrow()
        );
        assertTrue(Questions.realmClause(QueryBuilders.boolQuery().mustNot(new RealmQueryBuilder("negated", 3, null, null))).isEmpty());
        assertTrue(Questions.queryText(QueryBuilders.queryStringQuery("*")).isEmpty());
    }

    public void testHighlightFragments() {
        String text = "Bell received his patent on 7 March 1876. Three days later he spoke to Watson.";
        int start = text.indexOf("7 March 1876");
        AnswerPassage span = new AnswerPassage("kb", "a", 0, start, start + "7 March 1876".length());
        AnswerHighlights discover = new AnswerHighlights("@s@", "@/s@", Integer.MAX_VALUE);
        String whole = discover.tag(text, 0, List.of(span));
        assertEquals(text, whole.replace("@s@", "").replace("@/s@", "")); // the untagged fragment is the field
        assertTrue(whole, whole.contains("@s@7 March 1876@/s@"));

        String cut = new AnswerHighlights("<em>", "</em>", 30).tag(text, 0, List.of(span));
        assertTrue(cut, cut.contains("<em>7 March 1876</em>"));
        String untagged = cut.replace("<em>", "").replace("</em>", "");
        assertTrue(untagged, text.contains(untagged));
        assertTrue(untagged, untagged.length() <= 30);

        // a passage that starts at offset 100 of the field: spans are field offsets
        AnswerPassage inPassage = new AnswerPassage("kb", "a", 1, 100 + start, 100 + start + 12);
        assertEquals(whole.replace("@s@", "<b>").replace("@/s@", "</b>"), new AnswerHighlights("<b>", "</b>", 1000).tag(text, 100, List.of(inPassage)));
        assertNull(discover.tag(text, 0, List.of(new AnswerPassage("kb", "a", 0, 500, 510)))); // outside the text
    }

    public void testExtRoundTripAndErrors() throws Exception {
        RealmSearchExt ext = new RealmSearchExt("who?", 4, 2, true);
        BytesStreamOutput out = new BytesStreamOutput();
        ext.writeTo(out);
        assertEquals(ext, new RealmSearchExt(out.bytes().streamInput()));
        expectThrows(IllegalArgumentException.class, () -> new RealmSearchExt(" ", null, null, null));
        expectThrows(IllegalArgumentException.class, () -> new RealmSearchExt(null, 0, null, null));
        expectThrows(IllegalArgumentException.class, () -> new RealmSearchExt(null, null, 21, null));
    }
}
