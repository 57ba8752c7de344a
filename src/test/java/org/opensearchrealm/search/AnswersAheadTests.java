/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.opensearch.Version;
import org.opensearch.action.StepListener;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.index.IndexSettings;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.pipeline.PipelineConfiguration;
import org.opensearch.search.pipeline.PipelineProcessingContext;
import org.opensearch.search.pipeline.SearchPipelineMetadata;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.action.RealmAnswerResponse;
import org.opensearchrealm.retrieve.RetrievedPassage;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

public class AnswersAheadTests extends OpenSearchTestCase {

    private static final IndexNameExpressionResolver RESOLVER = new IndexNameExpressionResolver(new ThreadContext(Settings.EMPTY));

    private static PipelineConfiguration pipeline(String id, String json) {
        return new PipelineConfiguration(id, new BytesArray(json), MediaTypeRegistry.JSON);
    }

    private static IndexMetadata index(String name, String defaultPipeline) {
        Settings.Builder settings = Settings.builder()
            .put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT)
            .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
            .put(IndexMetadata.SETTING_NUMBER_OF_REPLICAS, 0);
        if (defaultPipeline != null) {
            settings.put(IndexSettings.DEFAULT_SEARCH_PIPELINE.getKey(), defaultPipeline);
        }
        return IndexMetadata.builder(name).settings(settings).build();
    }

    /** Indices kb (default pipeline "answers") and plain (none); pipelines "answers" (2 answers) and "rename" (no realm_answers). */
    private static ClusterState state() {
        SearchPipelineMetadata pipelines = new SearchPipelineMetadata(
            Map.of(
                "answers",
                pipeline("answers", "{\"request_processors\":[{\"realm_query\":{}}],\"response_processors\":[{\"realm_answers\":{\"num_answers\":2}}]}"),
                "rename",
                pipeline("rename", "{\"response_processors\":[{\"rename_field\":{\"field\":\"a\",\"target_field\":\"b\"}}]}"),
                "default_answers",
                pipeline("default_answers", "{\"response_processors\":[{\"realm_answers\":{}}]}")
            )
        );
        Metadata metadata = Metadata.builder()
            .put(index("kb", "answers"), false)
            .put(index("plain", null), false)
            .putCustom(SearchPipelineMetadata.TYPE, pipelines)
            .build();
        return ClusterState.builder(ClusterName.DEFAULT).metadata(metadata).build();
    }

    private static OptionalInt answersOf(SearchRequest search) {
        return AnswersAhead.answersOf(state(), RESOLVER, search);
    }

    public void testThePipelineIsFoundAsTheNodeResolvesIt() {
        assertEquals(OptionalInt.of(2), answersOf(new SearchRequest("kb"))); // the index's default pipeline
        assertEquals(OptionalInt.of(2), answersOf(new SearchRequest("plain").pipeline("answers")));
        assertEquals(OptionalInt.of(3), answersOf(new SearchRequest("plain").pipeline("default_answers"))); // the processor's default
        assertEquals(OptionalInt.empty(), answersOf(new SearchRequest("kb").pipeline("_none")));
        assertEquals(OptionalInt.empty(), answersOf(new SearchRequest("kb").pipeline("rename")));
        assertEquals(OptionalInt.empty(), answersOf(new SearchRequest("kb").pipeline("answ*"))); // an id, not a pattern
        assertEquals(OptionalInt.empty(), answersOf(new SearchRequest("plain")));
        assertEquals(OptionalInt.empty(), answersOf(new SearchRequest("kb", "plain"))); // a default pipeline is for one index
        SearchRequest inline = new SearchRequest("plain").source(
            new SearchSourceBuilder().searchPipelineSource(Map.of("response_processors", List.of(Map.of("realm_answers", Map.of("num_answers", 4)))))
        );
        assertEquals(OptionalInt.of(4), answersOf(inline));
    }

    public void testTheProcessorTakesOnlyWhatWasReadFor() {
        List<RetrievedPassage> passages = List.of(
            new RetrievedPassage("kb", "moon", 0, "The moon is up.", 0, 15, 0.9f),
            new RetrievedPassage("kb", "sun", 0, "The sun is down.", 0, 16, 0.5f)
        );
        RealmAnswersProcessor.Asked read = RealmAnswersProcessor.Asked.forClause(new Questions.RealmClause("where?", 2, passages), null, 3);
        PipelineProcessingContext context = new PipelineProcessingContext();
        StepListener<RealmAnswerResponse> outcome = new StepListener<>();
        context.setAttribute(AnswersAhead.ATTRIBUTE, new AnswersAhead.Started(read, outcome));

        assertSame(outcome, AnswersAhead.takeFor(context, RealmAnswersProcessor.Asked.forClause(new Questions.RealmClause("where?", 2, passages), null, 3)));
        assertNull("other answers", AnswersAhead.takeFor(context, RealmAnswersProcessor.Asked.forClause(new Questions.RealmClause("where?", 2, passages), null, 2)));
        assertNull(
            "fewer passages (ext.realm.k)",
            AnswersAhead.takeFor(context, RealmAnswersProcessor.Asked.forClause(new Questions.RealmClause("where?", 2, passages), new RealmSearchExt(null, 1, null, null), 3))
        );
        assertNull("another question", AnswersAhead.takeFor(context, RealmAnswersProcessor.Asked.forClause(new Questions.RealmClause("when?", 2, passages), null, 3)));
        assertNull("nothing read ahead", AnswersAhead.takeFor(new PipelineProcessingContext(), read));
        assertNull(AnswersAhead.takeFor(null, read));
    }
}
