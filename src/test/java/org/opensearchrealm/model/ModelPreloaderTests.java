/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearch.Version;
import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.common.settings.Settings;
import org.opensearch.test.OpenSearchTestCase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Which models a node preloads as REALM indices appear in the cluster state, and how often. */
public class ModelPreloaderTests extends OpenSearchTestCase {

    private final List<String> preloaded = new ArrayList<>();
    private final AtomicBoolean reads = new AtomicBoolean(true);
    private final ModelPreloader preloader = new ModelPreloader(
        (id, task) -> preloaded.add(id + ":" + task.jsonName()),
        state -> reads.get()
    );

    private static IndexMetadata index(String name, Settings realm) {
        Settings settings = Settings.builder()
            .put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT)
            .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
            .put(IndexMetadata.SETTING_NUMBER_OF_REPLICAS, 0)
            .put(realm)
            .build();
        return IndexMetadata.builder(name).settings(settings).build();
    }

    private static ClusterState state(IndexMetadata... indices) {
        Metadata.Builder metadata = Metadata.builder();
        for (IndexMetadata index : indices) {
            metadata.put(index, false);
        }
        return ClusterState.builder(new ClusterName("test")).metadata(metadata).build();
    }

    private static Settings realm(String model, String reader) {
        return Settings.builder().put("index.realm.model", model).put("index.realm.reader", reader).build();
    }

    private void apply(ClusterState state, ClusterState previous) {
        preloader.clusterChanged(new ClusterChangedEvent("test", state, previous));
    }

    public void testPreloadsEachEncoderAndReaderOnce() {
        ClusterState state = state(
            index("kb", realm("encoder-a", "reader-a")),
            index("kb2", realm("encoder-a", "reader-a")),
            index("plain", Settings.EMPTY),
            index("retrieval-only", realm("encoder-b", ""))
        );
        apply(state, ClusterState.EMPTY_STATE);
        assertEquals(List.of("encoder-a", "encoder-b", "reader-a"), preloaded.stream().map(s -> s.split(":")[0]).sorted().toList());
        assertTrue(preloaded.contains("encoder-a:embedding"));
        assertTrue(preloaded.contains("reader-a:extractive_qa"));

        ClusterState more = state(index("kb", realm("encoder-a", "reader-a")), index("kb3", realm("encoder-a", "reader-b")));
        apply(more, state);
        assertEquals("only the new reader", "reader-b:extractive_qa", preloaded.get(preloaded.size() - 1));
        assertEquals(4, preloaded.size());
    }

    public void testReadersOnlyWhereThisNodeReads() {
        reads.set(false);
        ClusterState state = state(index("kb", realm("encoder-a", "reader-a")));
        apply(state, ClusterState.EMPTY_STATE);
        assertEquals(List.of("encoder-a:embedding"), preloaded);

        reads.set(true); // the ML node left: this node reads now
        ClusterState later = ClusterState.builder(state).metadata(Metadata.builder(state.metadata()).persistentSettings(
            Settings.builder().put("plugins.realm.read.fallback", "coordinator").build()
        )).build();
        apply(later, state);
        assertEquals(List.of("encoder-a:embedding", "reader-a:extractive_qa"), preloaded);
    }

    public void testIgnoresEventsThatChangeNeitherIndicesNorNodes() {
        ClusterState state = state(index("kb", realm("encoder-a", "reader-a")));
        apply(state, state);
        assertEquals(List.of(), preloaded);
    }
}
