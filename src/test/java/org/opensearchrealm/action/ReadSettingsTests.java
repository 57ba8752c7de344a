/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.opensearch.Version;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.settings.Settings;
import org.opensearch.test.OpenSearchTestCase;
import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.model.ModelTestSupport;
import org.opensearchrealm.retrieve.Retriever;
import org.opensearchrealm.settings.RealmSettings.Fusion;
import org.opensearchrealm.settings.RealmSettings.RetrievalMode;
import org.opensearchrealm.action.PassageReading.ReadConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;

/** How the indices' settings decide whether and how a {@code _realm} request reads, which model encodes its question, and how index creation carries the reader. */
public class ReadSettingsTests extends OpenSearchTestCase {

    private static IndexMetadata.Builder index(String name, Settings settings) {
        return IndexMetadata.builder(name)
            .settings(Settings.builder().put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT).put(settings))
            .numberOfShards(1)
            .numberOfReplicas(0);
    }

    public void testReadConfig() {
        Settings realm = Settings.builder().put("index.realm.model", "enc").build();
        ClusterState state = ClusterState.builder(ClusterName.DEFAULT)
            .metadata(
                Metadata.builder()
                    .put(index("plain", Settings.EMPTY))
                    .put(index("retrieval", realm))
                    .put(index("qa1", Settings.builder().put(realm).put("index.realm.reader", "qa").build()))
                    .put(
                        index(
                            "qa2",
                            Settings.builder()
                                .put(realm)
                                .put("index.realm.reader", "qa")
                                .put("index.realm.no_answer_threshold", 0.4)
                                .put("index.realm.max_answer_tokens", 50)
                                .put("index.realm.retrieval_temperature", 0.02)
                                .put("index.realm.read_mass", 1.0)
                                .build()
                        )
                    )
                    .put(index("other", Settings.builder().put(realm).put("index.realm.reader", "other-qa").build()))
            )
            .build();

        assertEquals(new ReadConfig("qa", 1.0, 30, 0.1, 0.98), PassageReading.readConfig(state, new String[] { "qa1" }, null, null, r -> 1.0));
        assertEquals(
            "the strictest threshold, the longest answers, the sharpest temperature, the largest read mass",
            new ReadConfig("qa", 0.4, 50, 0.02, 1.0),
            PassageReading.readConfig(state, new String[] { "qa1", "qa2", "plain" }, null, null, r -> 1.0)
        );
        assertNull(PassageReading.readConfig(state, new String[] { "qa1" }, false, null, r -> 1.0));
        assertEquals(
            "an index without its own threshold takes its reader's calibrated one",
            new ReadConfig("qa", 0.7, 30, 0.1, 0.98),
            PassageReading.readConfig(state, new String[] { "qa1" }, null, null, r -> r.equals("qa") ? 0.7 : 1.0)
        );
        assertEquals(
            "an index's own threshold wins over its reader's",
            new ReadConfig("qa", 0.4, 50, 0.02, 1.0),
            PassageReading.readConfig(state, new String[] { "qa2" }, null, null, r -> 0.1)
        );
        assertEquals(
            "the request's read mass wins",
            new ReadConfig("qa", 0.4, 50, 0.02, 0.5),
            PassageReading.readConfig(state, new String[] { "qa2" }, null, 0.5, r -> 1.0)
        );
        assertNull(PassageReading.readConfig(state, new String[] { "retrieval" }, null, null, r -> 1.0));
        assertNull(PassageReading.readConfig(state, new String[] { "plain" }, true, null, r -> 1.0));
        assertNull(PassageReading.readConfig(state, new String[] { "qa1", "retrieval" }, false, null, r -> 1.0));

        IllegalArgumentException none = expectThrows(
            IllegalArgumentException.class,
            () -> PassageReading.readConfig(state, new String[] { "retrieval" }, true, null, r -> 1.0)
        );
        assertTrue(none.getMessage(), none.getMessage().contains("[read] is true but index [retrieval] has no reader"));
        IllegalArgumentException mixed = expectThrows(
            IllegalArgumentException.class,
            () -> PassageReading.readConfig(state, new String[] { "qa1", "other" }, null, null, r -> 1.0)
        );
        assertTrue(mixed.getMessage(), mixed.getMessage().contains("use different readers [qa] and [other-qa]"));
        IllegalArgumentException partly = expectThrows(
            IllegalArgumentException.class,
            () -> PassageReading.readConfig(state, new String[] { "qa1", "retrieval" }, null, null, r -> 1.0)
        );
        assertTrue(partly.getMessage(), partly.getMessage().contains("[qa] and [none]"));
    }

    public void testRetrievalPlan() {
        Settings realm = Settings.builder().put("index.realm.model", "enc").build();
        Settings hybrid = Settings.builder()
            .put(realm)
            .put("index.realm.retrieval", "hybrid")
            .put("index.realm.hybrid_weight", 0.7)
            .put("index.realm.title_field", "title")
            .build();
        ClusterState state = ClusterState.builder(ClusterName.DEFAULT)
            .metadata(
                Metadata.builder()
                    .put(index("plain", Settings.EMPTY))
                    .put(index("defaults", realm))
                    .put(index("dense", Settings.builder().put(realm).put("index.realm.retrieval", "dense").build()))
                    .put(index("hybrid1", hybrid))
                    .put(index("hybrid2", hybrid))
                    .put(index("rrf", Settings.builder().put(hybrid).put("index.realm.fusion", "rrf").put("index.realm.retrieval_depth", 20).put("index.realm.title_field", "").build()))
            )
            .build();
        Retriever.Plan dense = new Retriever.Plan(RetrievalMode.DENSE, Fusion.CONVEX, 1.0, 0, "");
        Retriever.Plan weighted = new Retriever.Plan(RetrievalMode.HYBRID, Fusion.CONVEX, 0.7, 50, "title");
        assertEquals(
            "the default: hybrid",
            new Retriever.Plan(RetrievalMode.HYBRID, Fusion.CONVEX, 0.5, 50, ""),
            TransportRealmSearchAction.retrievalPlan(state, new String[] { "defaults", "plain" }, null)
        );
        assertEquals(dense, TransportRealmSearchAction.retrievalPlan(state, new String[] { "dense" }, null));
        assertEquals(weighted, TransportRealmSearchAction.retrievalPlan(state, new String[] { "hybrid1", "hybrid2" }, null));
        assertEquals(new Retriever.Plan(RetrievalMode.HYBRID, Fusion.RRF, 0.7, 20, ""), TransportRealmSearchAction.retrievalPlan(state, new String[] { "rrf" }, null));
        assertEquals("the request's mode wins", dense, TransportRealmSearchAction.retrievalPlan(state, new String[] { "hybrid1", "rrf" }, RetrievalMode.DENSE));
        assertEquals(
            new Retriever.Plan(RetrievalMode.BM25, Fusion.CONVEX, 0.5, 50, ""),
            TransportRealmSearchAction.retrievalPlan(state, new String[] { "dense" }, RetrievalMode.BM25)
        );
        IllegalArgumentException mixed = expectThrows(
            IllegalArgumentException.class,
            () -> TransportRealmSearchAction.retrievalPlan(state, new String[] { "dense", "hybrid1" }, null)
        );
        assertTrue(mixed.getMessage(), mixed.getMessage().contains("indices [dense] and [hybrid1] retrieve differently"));
    }

    public void testQueryModel() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).resolve("models");
        Map<String, ModelDescriptor> models = Map.of(
            "all-minilm-l6-v2", ModelDescriptor.load(repo.resolve("all-minilm-l6-v2/model.json")),
            "all-minilm-l6-v2-int8", ModelDescriptor.load(repo.resolve("all-minilm-l6-v2-int8/model.json")),
            "tiny-onnx", ModelDescriptor.load(ModelTestSupport.fixtures().resolve("tiny-onnx/model.json"))
        );
        BiFunction<String, ModelDescriptor.Task, ModelDescriptor> descriptors = (id, task) -> models.get(id);
        Settings realm = Settings.builder().put("index.realm.model", "all-minilm-l6-v2").build();
        Settings fp32 = Settings.builder().put(realm).put("index.realm.query_model", "all-minilm-l6-v2").build();
        ClusterState state = ClusterState.builder(ClusterName.DEFAULT)
            .metadata(
                Metadata.builder()
                    .put(index("plain", Settings.EMPTY))
                    .put(index("default-a", realm))
                    .put(index("default-b", realm))
                    .put(index("fp32", fp32))
                    .put(index("tiny", Settings.builder().put(realm).put("index.realm.query_model", "tiny-onnx").build()))
            )
            .build();
        assertEquals(
            "unset: the query_model of the index's model.json",
            "all-minilm-l6-v2-int8",
            TransportRealmSearchAction.queryModelOf(state, new String[] { "default-a", "default-b", "plain" }, "all-minilm-l6-v2", descriptors)
        );
        assertEquals(
            "the index's setting wins",
            "all-minilm-l6-v2",
            TransportRealmSearchAction.queryModelOf(state, new String[] { "fp32" }, "all-minilm-l6-v2", descriptors)
        );
        IllegalArgumentException mixed = expectThrows(
            IllegalArgumentException.class,
            () -> TransportRealmSearchAction.queryModelOf(state, new String[] { "default-a", "fp32" }, "all-minilm-l6-v2", descriptors)
        );
        assertTrue(mixed.getMessage(), mixed.getMessage().contains("[all-minilm-l6-v2-int8] and [all-minilm-l6-v2]"));
        IllegalArgumentException dimension = expectThrows(
            IllegalArgumentException.class,
            () -> TransportRealmSearchAction.queryModelOf(state, new String[] { "tiny" }, "all-minilm-l6-v2", descriptors)
        );
        assertTrue(dimension.getMessage(), dimension.getMessage().contains("[tiny-onnx], which makes vectors of 16 dimensions"));
        assertEquals("a model without query_model encodes its own questions", "", models.get("all-minilm-l6-v2-int8").encoder().queryModel());
    }

    public void testCreateRequestCarriesTheReader() throws Exception {
        CreateRealmIndexRequest request = new CreateRealmIndexRequest(
            "kb",
            "text",
            "enc",
            "qa",
            200,
            32,
            Settings.builder().put("index.realm.no_answer_threshold", 0.5).put("number_of_shards", 2).build()
        );
        assertNull(request.validate());
        BytesStreamOutput out = new BytesStreamOutput();
        request.writeTo(out);
        CreateRealmIndexRequest copy = new CreateRealmIndexRequest(out.bytes().streamInput());
        assertEquals("qa", copy.reader());
        Settings settings = copy.indexSettings();
        assertEquals("qa", settings.get("index.realm.reader"));
        assertEquals("0.5", settings.get("index.realm.no_answer_threshold"));

        assertEquals("no reader named: the project's", "realm-reader-bge-small-int8", new CreateRealmIndexRequest("kb", "text", "enc", 200, 32, Settings.EMPTY).indexSettings().get("index.realm.reader"));
        assertNull("an empty reader: the setting keeps its default (none)", new CreateRealmIndexRequest("kb", "text", "enc", "", 200, 32, Settings.EMPTY).indexSettings().get("index.realm.reader"));
        String inSettings = new CreateRealmIndexRequest("kb", "text", "enc", "", 200, 32, Settings.builder().put("realm.reader", "qa").build())
            .validate()
            .getMessage();
        assertTrue(inSettings, inSettings.contains("give the reader as [reader]"));
        String model = new CreateRealmIndexRequest("kb", "text", "enc", "", 200, 32, Settings.builder().put("index.realm.model", "x").build())
            .validate()
            .getMessage();
        assertTrue(model, model.contains("is set by the plugin"));
    }
}
