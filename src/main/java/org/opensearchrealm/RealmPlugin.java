/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm;

import org.opensearch.action.support.ActionFilter;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNodes;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.ClusterSettings;
import org.opensearch.common.settings.IndexScopedSettings;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.settings.SettingsFilter;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.NamedWriteableRegistry;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.env.Environment;
import org.opensearch.env.NodeEnvironment;
import org.opensearch.ingest.Processor;
import org.opensearch.plugins.ActionPlugin;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.SearchPipelinePlugin;
import org.opensearch.plugins.SearchPlugin;
import org.opensearch.repositories.RepositoriesService;
import org.opensearch.rest.RestController;
import org.opensearch.rest.RestHandler;
import org.opensearch.script.ScriptService;
import org.opensearch.search.pipeline.SearchRequestProcessor;
import org.opensearch.search.pipeline.SearchResponseProcessor;
import org.opensearch.threadpool.ExecutorBuilder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;
import org.opensearch.watcher.ResourceWatcherService;
import org.opensearchrealm.action.CreateRealmIndexAction;
import org.opensearchrealm.action.RealmAnswerAction;
import org.opensearchrealm.action.RealmSearchAction;
import org.opensearchrealm.action.RealmStatsAction;
import org.opensearchrealm.action.SearchWarmUp;
import org.opensearchrealm.action.TransportCreateRealmIndexAction;
import org.opensearchrealm.action.TransportRealmAnswerAction;
import org.opensearchrealm.action.TransportRealmSearchAction;
import org.opensearchrealm.action.TransportRealmStatsAction;
import org.opensearchrealm.action.UnknownRealmSettingsFilter;
import org.opensearchrealm.ingest.BulkUpdateFilter;
import org.opensearchrealm.ingest.PassageProcessor;
import org.opensearchrealm.ingest.PassageProcessorFactory;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.model.InferenceThreadPool;
import org.opensearchrealm.model.ModelPreloader;
import org.opensearchrealm.model.ModelRegistry;
import org.opensearchrealm.read.ExtractiveReader;
import org.opensearchrealm.read.ReadAction;
import org.opensearchrealm.read.ReadDispatcher;
import org.opensearchrealm.read.ReadNodeSelector;
import org.opensearchrealm.read.TransportReadAction;
import org.opensearchrealm.rest.RestCreateRealmIndexAction;
import org.opensearchrealm.rest.RestRealmSearchAction;
import org.opensearchrealm.rest.RestRealmStatsAction;
import org.opensearchrealm.retrieve.Retriever;
import org.opensearchrealm.search.AnswersAhead;
import org.opensearchrealm.search.RealmAnswersProcessor;
import org.opensearchrealm.search.RealmQueryBuilder;
import org.opensearchrealm.search.RealmQueryRequestProcessor;
import org.opensearchrealm.search.RealmSearchExt;
import org.opensearchrealm.search.RetrievedPassagesQueryBuilder;
import org.opensearchrealm.settings.ModelSettings;
import org.opensearchrealm.settings.RealmSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wires the plugin: settings, the inference pool, models, the ingest processor, actions and REST handlers, the
 * {@code realm} query, {@code ext.realm} and the search pipeline processors.
 *
 * <p>The plugin registers no node role: nodes whose {@code node.roles} name {@code ml} read the passages of
 * {@code _realm} requests (see {@link ReadNodeSelector}), whether the role is the dynamic
 * role OpenSearch makes of an unknown name or the one the ml-commons plugin registers, so both plugins can be
 * installed together.
 */
public class RealmPlugin extends Plugin implements ActionPlugin, IngestPlugin, SearchPlugin, SearchPipelinePlugin {

    private final Settings settings;
    private final RealmMetrics metrics = new RealmMetrics();
    private volatile InferenceService inference;
    private ModelRegistry models;
    private BulkUpdateFilter bulkUpdates;
    private AnswersAhead.Filter answersAhead;
    private volatile ClusterService clusterService;

    public RealmPlugin(Settings settings) {
        this.settings = settings;
    }

    @Override
    public List<Setting<?>> getSettings() {
        List<Setting<?>> all = new ArrayList<>(RealmSettings.all());
        all.addAll(ModelSettings.settings());
        return all;
    }

    @Override
    public List<ExecutorBuilder<?>> getExecutorBuilders(Settings settings) {
        return List.of(InferenceThreadPool.executorBuilders(settings));
    }

    @Override
    public Collection<Object> createComponents(
        Client client,
        ClusterService clusterService,
        ThreadPool threadPool,
        ResourceWatcherService resourceWatcherService,
        ScriptService scriptService,
        NamedXContentRegistry xContentRegistry,
        Environment environment,
        NodeEnvironment nodeEnvironment,
        NamedWriteableRegistry namedWriteableRegistry,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<RepositoriesService> repositoriesServiceSupplier
    ) {
        this.clusterService = clusterService;
        Path home = ModelSettings.PLUGIN_HOME.exists(settings)
            ? Path.of(ModelSettings.PLUGIN_HOME.get(settings))
            : environment.pluginsDir().resolve("opensearch-realm");
        models = new ModelRegistry(home, environment.configDir(), environment.tmpDir().resolve("realm-djl"), settings, ExtractiveReader::new);
        clusterService.getClusterSettings().addSettingsUpdateConsumer(ModelSettings.MEMORY_BUDGET, models::setMemoryBudget);
        inference = new InferenceService(models, threadPool, settings);
        if (ModelSettings.PRELOAD.get(settings)) {
            clusterService.addListener(new ModelPreloader(inference::preload, state -> ReadNodeSelector.readsLocally(state.nodes())));
        }
        clusterService.addListener(
            new SearchWarmUp(client, threadPool, metrics, RealmSettings.SEARCH_WARM_UP_SEARCHES.get(settings), System.currentTimeMillis())
        );
        bulkUpdates = new BulkUpdateFilter(clusterService, client);
        answersAhead = new AnswersAhead.Filter(clusterService, indexNameExpressionResolver, threadPool.getThreadContext());
        // per-node reading state: in-flight reads and failure cooldowns of the nodes this coordinator reads on
        ReadDispatcher reads = new ReadDispatcher(clusterService, new ReadNodeSelector());
        return List.of(inference, new Retriever(client), reads, metrics);
    }

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        // the processor factory is built before createComponents runs, so it reaches the inference service lazily
        ClusterService clusterService = parameters.ingestService.getClusterService();
        return Map.of(PassageProcessor.TYPE, new PassageProcessorFactory(() -> inference, clusterService::state, metrics));
    }

    @Override
    public List<QuerySpec<?>> getQueries() {
        return List.of(
            new QuerySpec<>(RealmQueryBuilder.NAME, RealmQueryBuilder::new, RealmQueryBuilder::fromXContent),
            new QuerySpec<>(RetrievedPassagesQueryBuilder.NAME, RetrievedPassagesQueryBuilder::new, RetrievedPassagesQueryBuilder::fromXContent)
        );
    }

    @Override
    public List<SearchExtSpec<?>> getSearchExts() {
        return List.of(new SearchExtSpec<>(RealmSearchExt.NAME, RealmSearchExt::new, RealmSearchExt::fromXContent));
    }

    @Override
    public Map<String, org.opensearch.search.pipeline.Processor.Factory<SearchRequestProcessor>> getRequestProcessors(
        SearchPipelinePlugin.Parameters parameters
    ) {
        return Map.of(RealmQueryRequestProcessor.TYPE, new RealmQueryRequestProcessor.Factory());
    }

    @Override
    public Map<String, org.opensearch.search.pipeline.Processor.Factory<SearchResponseProcessor>> getResponseProcessors(
        SearchPipelinePlugin.Parameters parameters
    ) {
        // pipelines may be built before createComponents: the cluster state is reached lazily
        return Map.of(RealmAnswersProcessor.TYPE, new RealmAnswersProcessor.Factory(() -> parameters.client, () -> clusterService.state()));
    }

    @Override
    public List<ActionFilter> getActionFilters() {
        // built in createComponents, which a node runs before it asks for filters
        return bulkUpdates == null
            ? List.of(new UnknownRealmSettingsFilter())
            : List.of(bulkUpdates, new UnknownRealmSettingsFilter(), answersAhead);
    }

    @Override
    public List<ActionHandler<?, ? extends ActionResponse>> getActions() {
        return List.of(
            new ActionHandler<>(CreateRealmIndexAction.INSTANCE, TransportCreateRealmIndexAction.class),
            new ActionHandler<>(RealmSearchAction.INSTANCE, TransportRealmSearchAction.class),
            new ActionHandler<>(RealmAnswerAction.INSTANCE, TransportRealmAnswerAction.class),
            new ActionHandler<>(ReadAction.INSTANCE, TransportReadAction.class),
            new ActionHandler<>(RealmStatsAction.INSTANCE, TransportRealmStatsAction.class)
        );
    }

    @Override
    public List<RestHandler> getRestHandlers(
        Settings settings,
        RestController restController,
        ClusterSettings clusterSettings,
        IndexScopedSettings indexScopedSettings,
        SettingsFilter settingsFilter,
        IndexNameExpressionResolver indexNameExpressionResolver,
        Supplier<DiscoveryNodes> nodesInCluster
    ) {
        return List.of(new RestCreateRealmIndexAction(), new RestRealmSearchAction(), new RestRealmStatsAction());
    }

    @Override
    public void close() throws IOException {
        if (models != null) {
            models.close();
        }
    }
}
