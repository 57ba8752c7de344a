/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm;

import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.painless.PainlessModulePlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearch.test.transport.MockTransportService;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.Client;
import org.opensearchrealm.action.CreateRealmIndexAction;
import org.opensearchrealm.action.CreateRealmIndexRequest;
import org.opensearchrealm.action.CreateRealmIndexResponse;
import org.opensearchrealm.action.RealmSearchAction;
import org.opensearchrealm.action.RealmSearchRequest;
import org.opensearchrealm.action.RealmSearchResponse;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.model.ModelTestSupport;
import org.opensearchrealm.settings.ModelSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Internal-cluster tests that read: every node has the k-NN plugin, this plugin (bundled encoders from the staged
 * plugin home) and the tiny QA fixtures as operator models in its config directory, and a mock transport service so
 * that tests can make a node's read handler fail or hang.
 */
public abstract class ReadIntegTestSupport extends OpenSearchIntegTestCase {

    static final String KNN_PLUGIN = "org.opensearch.knn.plugin.KNNPlugin";
    /** A reader whose logits are set per token: "moon" wins wherever it is (see make_fixtures.py). */
    static final String PICK = "tiny-qa-pick";

    static final String MOON = "Tonight the moon is over the water.";
    static final String DOG = "A dog sat on the mat in the house.";
    static final String BIRD = "A small bird sat in a tree.";

    @Override
    protected Collection<Class<? extends Plugin>> nodePlugins() {
        List<Class<? extends Plugin>> plugins = new ArrayList<>(
            List.of(RealmPlugin.class, PainlessModulePlugin.class, MockTransportService.TestPlugin.class)
        );
        try {
            plugins.add(Class.forName(KNN_PLUGIN).asSubclass(Plugin.class));
        } catch (ClassNotFoundException e) {
            throw new AssertionError("the k-NN plugin must be on the test classpath (staged by the build)", e);
        }
        return plugins;
    }

    @Override
    protected Settings nodeSettings(int nodeOrdinal) {
        return Settings.builder()
            .put(super.nodeSettings(nodeOrdinal))
            .put(ModelSettings.PLUGIN_HOME.getKey(), System.getProperty("realm.test.plugin_home"))
            .build();
    }

    /** Every node gets the QA fixtures as operator models. */
    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        return ModelTestSupport.installFixtures(createTempDir(), PICK, "tiny-qa-onnx");
    }

    /** Settings of a node with exactly these roles. */
    static Settings roles(String... roles) {
        return Settings.builder().putList("node.roles", roles).build();
    }

    /**
     * Starts the first node, a cluster manager with these roles, and lets it settle before other nodes are built. The
     * k-NN plugin keeps its training-job cluster listener in static fields (one per JVM, wired to the node built last):
     * when the cluster manager sees a new cluster it schedules, one second later, a look at the cluster state of the
     * last node built, which fails an assertion if that node has not started yet. Waiting out that second before
     * building the next node avoids the race; it only exists with several nodes in one JVM.
     */
    String startFirstNode(String... roles) throws InterruptedException {
        String node = internalCluster().startNode(roles(roles));
        ensureStableCluster(1);
        Thread.sleep(1500);
        return node;
    }

    static CreateRealmIndexResponse createRealmIndex(Client client, String index, String reader, Settings settings) {
        return client.execute(
            CreateRealmIndexAction.INSTANCE,
            new CreateRealmIndexRequest(
                index,
                "text",
                "all-minilm-l6-v2",
                reader,
                24,
                8,
                Settings.builder().put("index.number_of_replicas", 0).put(settings).build()
            )
        ).actionGet();
    }

    /** JSON sources: the k-NN plugin's source handling fails on the YAML sources the test framework may pick at random. */
    static BulkResponse index(Client client, String index, Map<String, String> docs) {
        BulkRequestBuilder bulk = client.prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        docs.forEach((id, text) -> bulk.add(client.prepareIndex(index).setId(id).setSource(Map.of("title", id, "text", text), MediaTypeRegistry.JSON)));
        BulkResponse response = bulk.get();
        assertFalse(response.buildFailureMessage(), response.hasFailures());
        return response;
    }

    static void indexDemoDocs(Client client, String index) {
        index(client, index, Map.of("moon", MOON, "dog", DOG, "bird", BIRD));
    }

    static RealmSearchResponse ask(Client client, String index, String query, int k, boolean explain) {
        return client.execute(
            RealmSearchAction.INSTANCE,
            new RealmSearchRequest(new String[] { index }, query, k, null, RealmSearchRequest.DEFAULT_NUM_ANSWERS, explain, null)
        ).actionGet();
    }

    /** Reads a node has served, well or not (a request a test intercepts before the handler does not count). */
    long readsOn(String node) {
        RealmMetrics.Snapshot served = internalCluster().getInstance(RealmMetrics.class, node).snapshot();
        return served.reads() + served.readErrors();
    }

    MockTransportService transportOf(String node) {
        return (MockTransportService) internalCluster().getInstance(TransportService.class, node);
    }
}
