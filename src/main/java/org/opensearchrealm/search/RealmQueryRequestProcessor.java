/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.search;

import org.opensearch.action.search.SearchRequest;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilder;
import org.opensearch.ingest.ConfigurationUtils;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.pipeline.AbstractProcessor;
import org.opensearch.search.pipeline.Processor;
import org.opensearch.search.pipeline.SearchRequestProcessor;
import org.opensearchrealm.action.CreateRealmIndexRequest;
import org.opensearchrealm.action.RealmSearchRequest;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;

import java.util.List;
import java.util.Map;

/**
 * The {@code realm_query} search request processor: turns the question typed as plain query text into a
 * {@code realm} query, so that an index's default search pipeline gives REALM retrieval to clients that only know
 * {@code _search}. The query (or, in a {@code bool}, its first {@code must} clause) that is a {@code query_string},
 * {@code match} or {@code multi_match} with text becomes {@code realm} over that text: OpenSearch Dashboards Discover
 * sends its query bar as a {@code query_string} in {@code bool.must}. Filters ({@code bool.filter}, where Discover puts
 * DQL and time ranges), {@code should} and {@code must_not} clauses stay as they are: they filter or add to the
 * documents of the k passages retrieved. A search with no such query, or a wildcard only, passes through.
 */
public final class RealmQueryRequestProcessor extends AbstractProcessor implements SearchRequestProcessor {

    public static final String TYPE = CreateRealmIndexRequest.QUERY_PROCESSOR;

    private final int k;
    private final RetrievalMode retrieval;

    RealmQueryRequestProcessor(String tag, String description, boolean ignoreFailure, int k, RetrievalMode retrieval) {
        super(tag, description, ignoreFailure);
        this.k = k;
        this.retrieval = retrieval;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    public SearchRequest processRequest(SearchRequest request) {
        SearchSourceBuilder source = request.source();
        if (source == null || source.query() == null) {
            return request;
        }
        QueryBuilder rewritten = rewrite(source.query());
        if (rewritten != source.query()) {
            source.query(rewritten);
        }
        return request;
    }

    /** The query with its question as a {@code realm} query; the same object when it has none. */
    QueryBuilder rewrite(QueryBuilder query) {
        String text = Questions.textOf(query);
        if (text != null) {
            return realm(text, query);
        }
        if (query instanceof BoolQueryBuilder bool) {
            List<QueryBuilder> must = bool.must();
            for (int i = 0; i < must.size(); i++) {
                String clauseText = Questions.textOf(must.get(i));
                if (clauseText != null) {
                    must.set(i, realm(clauseText, must.get(i)));
                    return bool;
                }
            }
        }
        return query;
    }

    private QueryBuilder realm(String text, QueryBuilder replaced) {
        return new RealmQueryBuilder(text, k, retrieval, null).boost(replaced.boost()).queryName(replaced.queryName());
    }

    /** Builds the processor from its configuration: {@code k} (default 5) and {@code retrieval} (default: the index's). */
    public static final class Factory implements Processor.Factory<SearchRequestProcessor> {
        @Override
        public SearchRequestProcessor create(
            Map<String, Processor.Factory<SearchRequestProcessor>> factories,
            String tag,
            String description,
            boolean ignoreFailure,
            Map<String, Object> config,
            Processor.PipelineContext pipelineContext
        ) {
            int k = ConfigurationUtils.readIntProperty(TYPE, tag, config, "k", RealmSearchRequest.DEFAULT_K);
            if (k < 1) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "k", "must be at least 1, got [" + k + "]");
            }
            String mode = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "retrieval");
            RetrievalMode retrieval;
            try {
                retrieval = mode == null ? null : RetrievalMode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "retrieval", e.getMessage());
            }
            return new RealmQueryRequestProcessor(tag, description, ignoreFailure, k, retrieval);
        }
    }
}
