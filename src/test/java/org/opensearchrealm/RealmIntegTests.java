/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm;

import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.bulk.BulkItemResponse;
import org.opensearch.action.bulk.BulkRequestBuilder;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.Strings;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.test.OpenSearchIntegTestCase;
import org.opensearchrealm.action.CreateRealmIndexAction;
import org.opensearchrealm.action.CreateRealmIndexRequest;
import org.opensearchrealm.action.CreateRealmIndexResponse;
import org.opensearchrealm.action.RealmSearchAction;
import org.opensearchrealm.action.RealmSearchRequest;
import org.opensearchrealm.action.RealmSearchResponse;
import org.opensearchrealm.answer.Answer;
import org.opensearchrealm.answer.AnswerPassage;
import org.opensearchrealm.answer.Answers;
import org.opensearchrealm.answer.PassageExplanation;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.model.ModelFiles;
import org.opensearchrealm.model.ModelTestSupport;
import org.opensearchrealm.model.Reader;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.settings.RealmMapping;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.opensearch.test.hamcrest.OpenSearchAssertions.assertAcked;

/** The plugin end to end in an internal cluster with the k-NN plugin: create, ingest, ask, update, delete. */
@OpenSearchIntegTestCase.ClusterScope(scope = OpenSearchIntegTestCase.Scope.SUITE, numDataNodes = 1)
public class RealmIntegTests extends ReadIntegTestSupport {

    /**
     * An operator model whose files pass their hash check but cannot be run (every embedding with it fails), and the
     * tiny QA fixtures as operator readers.
     */
    @Override
    protected Path nodeConfigPath(int nodeOrdinal) {
        try {
            Path config = ModelTestSupport.installFixtures(createTempDir(), PICK, "tiny-qa-onnx");
            Path model = Files.createDirectories(config.resolve("realm/models/broken"));
            byte[] weights = "not an onnx file".getBytes(StandardCharsets.UTF_8);
            Files.write(model.resolve("model.onnx"), weights);
            Path tokenizer = Path.of(System.getProperty("realm.test.plugin_home"), "models/all-minilm-l6-v2/tokenizer.json");
            Files.copy(tokenizer, model.resolve("tokenizer.json"));
            Files.writeString(
                model.resolve("model.json"),
                "{\"id\":\"broken\",\"format\":\"onnx\",\"files\":{\"model\":\"model.onnx\",\"tokenizer\":\"tokenizer.json\"},"
                    + "\"sha256\":{\"model.onnx\":\""
                    + ModelFiles.sha256(weights)
                    + "\",\"tokenizer.json\":\""
                    + ModelFiles.sha256(Files.readAllBytes(tokenizer))
                    + "\"},\"dimension\":384,\"pooling\":\"mean\",\"normalize\":true,\"max_tokens\":256,"
                    + "\"license\":\"none\",\"source\":\"test\"}"
            );
            return config;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private CreateRealmIndexResponse createRealmIndex(String index, String model, int passageTokens) {
        return client().execute(
            CreateRealmIndexAction.INSTANCE,
            new CreateRealmIndexRequest(index, "text", model, passageTokens, 8, Settings.builder().put("index.number_of_replicas", 0).build())
        ).actionGet();
    }

    private RealmSearchResponse ask(String index, String query, int k) {
        return client().execute(RealmSearchAction.INSTANCE, new RealmSearchRequest(index.split(","), query, k, null)).actionGet();
    }

    /** JSON sources: the k-NN plugin's source handling fails on the YAML sources the test framework may pick at random. */
    private BulkResponse index(String index, Map<String, String> docs) {
        BulkRequestBuilder bulk = client().prepareBulk().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        docs.forEach((id, text) -> bulk.add(client().prepareIndex(index).setId(id).setSource(Map.of("title", id, "text", text), MediaTypeRegistry.JSON)));
        return bulk.get();
    }

    public void testIngestAskUpdateDelete() {
        CreateRealmIndexResponse created = createRealmIndex("kb", "all-minilm-l6-v2", 24);
        assertEquals("realm-kb", CreateRealmIndexRequest.pipelineId("kb"));
        assertEquals("kb", created.index());

        String volcano = "Mount Etna is an active stratovolcano on the east coast of Sicily, Italy. "
            + "It is one of the tallest active volcanoes in Europe and erupts frequently. "
            + "Bread is baked from a dough of flour and water, usually leavened with yeast, and baked in an oven.";
        BulkResponse bulk = index(
            "kb",
            Map.of("etna", volcano, "moon", "The Moon orbits the Earth about once every 27 days and causes the ocean tides.", "empty", "")
        );
        assertFalse(bulk.buildFailureMessage(), bulk.hasFailures());

        RealmSearchResponse answer = ask("kb", "Which volcano is in Sicily?", 3);
        List<RetrievedPassage> passages = answer.passages();
        assertFalse(passages.isEmpty());
        RetrievedPassage top = passages.get(0);
        assertEquals("etna", top.id());
        assertEquals(volcano.substring(top.start(), top.end()), top.text());
        assertTrue(top.text(), top.text().contains("Sicily"));
        assertTrue("scores must be in descending order", passages.get(0).score() >= passages.get(passages.size() - 1).score());
        assertTrue("several passages of one document may be returned", passages.stream().filter(p -> p.id().equals("etna")).count() > 1);

        RetrievedPassage bread = ask("kb", "How is bread made?", 1).passages().get(0);
        assertEquals("etna", bread.id());
        assertTrue(bread.text(), bread.text().contains("flour"));
        assertTrue("the bread passage is not the first one", bread.number() > 0);

        // an update replaces all of a document's passages
        index("kb", Map.of("etna", "Paris is the capital and largest city of France."));
        List<RetrievedPassage> afterUpdate = ask("kb", "Which volcano is in Sicily?", 10).passages();
        assertTrue(afterUpdate.toString(), afterUpdate.stream().noneMatch(p -> p.text().contains("Sicily")));
        assertEquals(1, afterUpdate.stream().filter(p -> p.id().equals("etna")).count());
        assertEquals("etna", ask("kb", "What is the capital of France?", 1).passages().get(0).id());

        // a delete removes them
        client().prepareDelete("kb", "etna").setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE).get();
        assertTrue(ask("kb", "What is the capital of France?", 10).passages().stream().noneMatch(p -> p.id().equals("etna")));

        // a filter restricts the documents whose passages are retrieved
        RealmSearchResponse filtered = client().execute(
            RealmSearchAction.INSTANCE,
            new RealmSearchRequest(new String[] { "kb" }, "volcano", 5, QueryBuilders.termQuery("title", "moon"))
        ).actionGet();
        assertFalse(filtered.passages().isEmpty());
        assertTrue(filtered.passages().stream().allMatch(p -> p.id().equals("moon")));
    }

    public void testAnswers() throws Exception {
        CreateRealmIndexResponse created = client().execute(
            CreateRealmIndexAction.INSTANCE,
            new CreateRealmIndexRequest("qa", "text", "all-minilm-l6-v2", ReadIntegTestSupport.PICK, 24, 8, Settings.builder().put("index.number_of_replicas", 0).build())
        ).actionGet();
        assertEquals(ReadIntegTestSupport.PICK, created.reader());
        assertEquals(ReadIntegTestSupport.PICK, client().admin().indices().prepareGetSettings("qa").get().getSetting("qa", "index.realm.reader"));
        String longText = "Bread is baked from a dough of flour and water, usually leavened with yeast, and baked in an oven. ".repeat(3)
            + "At night the moon shines over the sea.";
        index("qa", Map.of("moon", ReadIntegTestSupport.MOON, "dog", ReadIntegTestSupport.DOG, "long", longText));
        Map<String, String> sources = Map.of("moon", ReadIntegTestSupport.MOON, "dog", ReadIntegTestSupport.DOG, "long", longText);

        RealmSearchResponse response = ask("qa", "Where is the moon tonight?", 10, true, 3, null);
        assertNull(response.readerError());
        Answers answers = response.answers();
        assertFalse(answers.noAnswer());
        Answer top = answers.answers().get(0);
        assertEquals("moon", top.text());
        assertTrue(top.probability() > 0 && top.probability() <= 1);
        assertEquals("the moon is read in both documents", Set.of("moon", "long"), top.passages().stream().map(AnswerPassage::id).collect(Collectors.toSet()));
        for (AnswerPassage where : top.passages()) {
            // offsets are in the document's source field, also for a passage that does not start it
            assertEquals("moon", sources.get(where.id()).substring(where.start(), where.end()));
        }
        assertTrue(top.passages().stream().anyMatch(p -> p.id().equals("long") && p.passage() > 0 && p.start() > 0));
        assertTrue(answers.answers().size() <= 3);
        assertEquals(response.passages().size(), answers.explanations().size());
        for (PassageExplanation explained : answers.explanations()) {
            for (Reader.Span span : explained.spans()) {
                assertEquals(span.text(), sources.get(explained.id()).substring(span.start(), span.end()));
            }
        }
        assertTrue(answers.noAnswerProbability() > 0 && answers.noAnswerProbability() < 1);
        String json = Strings.toString(MediaTypeRegistry.JSON, response);
        for (String key : List.of("\"answers\":[", "\"no_answer_probability\":", "\"no_answer\":false", "\"reading\":[", "\"read\":", "\"reader\":{\"model\":\"tiny-qa-pick\"")) {
            assertTrue(key + " in " + json, json.contains(key));
        }

        assertEquals(1, ask("qa", "Where is the moon tonight?", 10, false, 1, null).answers().answers().size());
        String plain = Strings.toString(MediaTypeRegistry.JSON, ask("qa", "Where is the moon tonight?", 10, false, 3, null));
        assertFalse("no explanation unless asked", plain.contains("\"reading\""));

        // a no-answer threshold below the no-answer probability: "no answer" instead of a guess
        assertAcked(client().admin().indices().prepareUpdateSettings("qa").setSettings(Settings.builder().put("index.realm.no_answer_threshold", 0.0)));
        Answers none = ask("qa", "Where is the moon tonight?", 10, false, 3, null).answers();
        assertTrue(none.noAnswer());
        assertEquals(List.of(), none.answers());

        // read: false, and an index without a reader, only retrieve
        RealmSearchResponse retrieval = ask("qa", "Where is the moon tonight?", 10, false, 3, false);
        assertNull(retrieval.reading());
        String retrievalJson = Strings.toString(MediaTypeRegistry.JSON, retrieval);
        assertFalse(retrievalJson, retrievalJson.contains("answers") || retrievalJson.contains("\"read\""));
        assertAcked(client().admin().indices().prepareUpdateSettings("qa").setSettings(Settings.builder().put("index.realm.reader", "")));
        assertNull(ask("qa", "Where is the moon tonight?", 10, false, 3, null).reading());
        IllegalArgumentException noReader = expectThrows(IllegalArgumentException.class, () -> ask("qa", "moon", 10, false, 3, true));
        assertTrue(noReader.getMessage(), noReader.getMessage().contains("has no reader"));

        // a reader that cannot read: the passages come back with the error
        assertAcked(client().admin().indices().prepareUpdateSettings("qa").setSettings(Settings.builder().put("index.realm.reader", "no-such-reader")));
        RealmSearchResponse unknown = ask("qa", "Where is the moon tonight?", 10, false, 3, null);
        assertFalse(unknown.passages().isEmpty());
        assertEquals(404, unknown.readerError().status());
        assertTrue(unknown.readerError().reason(), unknown.readerError().reason().contains("no-such-reader"));
        assertAcked(client().admin().indices().prepareUpdateSettings("qa").setSettings(Settings.builder().put("index.realm.reader", "all-minilm-l6-v2")));
        RealmSearchResponse encoder = ask("qa", "Where is the moon tonight?", 10, false, 3, null);
        assertEquals(400, encoder.readerError().status());
        assertEquals("read on the coordinator only", 1, encoder.readerError().nodes().size());

        // indices with different readers are asked separately
        assertAcked(client().admin().indices().prepareUpdateSettings("qa").setSettings(Settings.builder().put("index.realm.reader", ReadIntegTestSupport.PICK)));
        client().execute(
            CreateRealmIndexAction.INSTANCE,
            new CreateRealmIndexRequest("qa2", "text", "all-minilm-l6-v2", "tiny-qa-onnx", 24, 8, Settings.builder().put("index.number_of_replicas", 0).put("index.realm.max_answer_tokens", 5).build())
        ).actionGet();
        assertEquals("5", client().admin().indices().prepareGetSettings("qa2").get().getSetting("qa2", "index.realm.max_answer_tokens"));
        IllegalArgumentException mixed = expectThrows(IllegalArgumentException.class, () -> ask("qa,qa2", "moon", 10, false, 3, null));
        assertTrue(mixed.getMessage(), mixed.getMessage().contains("different readers"));
        assertNull(ask("qa,qa2", "moon", 10, false, 3, false).reading());

        // request and creation errors
        expectThrows(ActionRequestValidationException.class, () -> ask("qa", "moon", 10, false, 0, null));
        expectThrows(ActionRequestValidationException.class, () -> ask("qa", "moon", 10, false, 21, null));
        Exception encoderReader = expectThrows(Exception.class, () -> createWithReader("bad1", "all-minilm-l6-v2", Settings.EMPTY));
        assertEquals(RestStatus.BAD_REQUEST, org.opensearch.ExceptionsHelper.status(encoderReader));
        Exception unknownReader = expectThrows(Exception.class, () -> createWithReader("bad2", "no-such-reader", Settings.EMPTY));
        assertEquals(RestStatus.NOT_FOUND, org.opensearch.ExceptionsHelper.status(unknownReader));
        ActionRequestValidationException inSettings = expectThrows(
            ActionRequestValidationException.class,
            () -> createWithReader("bad3", "", Settings.builder().put("index.realm.reader", ReadIntegTestSupport.PICK).build())
        );
        assertTrue(inSettings.getMessage(), inSettings.getMessage().contains("[reader]"));
        assertFalse(indexExists("bad1") || indexExists("bad2") || indexExists("bad3"));
    }

    private CreateRealmIndexResponse createWithReader(String index, String reader, Settings settings) {
        return client().execute(
            CreateRealmIndexAction.INSTANCE,
            new CreateRealmIndexRequest(index, "text", "all-minilm-l6-v2", reader, 24, 8, settings)
        ).actionGet();
    }

    /** Reads every passage retrieved ({@code read_mass} 1), so that the answers' passages do not depend on p(z | q). */
    private RealmSearchResponse ask(String index, String query, int k, boolean explain, int numAnswers, Boolean read) {
        return client().execute(
            RealmSearchAction.INSTANCE,
            new RealmSearchRequest(index.split(","), query, k, null, numAnswers, explain, read).readMass(1.0)
        ).actionGet();
    }

    public void testFailedEmbeddingRejectsTheDocument() {
        createRealmIndex("broken-kb", "broken", 24);
        BulkResponse bulk = index("broken-kb", Map.of("a", "Some text that cannot be embedded.", "b", "Nor can this."));
        assertTrue(bulk.hasFailures());
        for (BulkItemResponse item : bulk.getItems()) {
            assertTrue(item.isFailed());
            assertNotNull(item.getFailureMessage());
        }
        assertEquals(0, client().prepareSearch("broken-kb").setSize(0).get().getHits().getTotalHits().value());
    }

    /** Fails unless every item failed with 400 and a reason naming every fragment. */
    private static void assertAllRefused(BulkResponse bulk, String... fragments) {
        assertTrue(bulk.hasFailures());
        for (BulkItemResponse item : bulk.getItems()) {
            assertTrue(item.getId(), item.isFailed());
            assertEquals(item.getFailureMessage(), RestStatus.BAD_REQUEST, item.status());
            for (String fragment : fragments) {
                assertTrue(item.getFailureMessage(), item.getFailureMessage().contains(fragment));
            }
        }
    }

    /** A hand-edited pipeline cannot put vectors of another model, or of another dimension, into an index. */
    public void testProcessorOfAnotherEmbeddingSpaceIsRefused() throws Exception {
        createRealmIndex("space-kb", "all-minilm-l6-v2", 24);
        String otherModel = "{\"processors\":[{\"realm_passages\":{\"field\":\"text\",\"model\":\"bge-small-en-v15\"}}]}";
        assertAcked(
            client().admin()
                .cluster()
                .preparePutPipeline(CreateRealmIndexRequest.pipelineId("space-kb"), new BytesArray(otherModel), MediaTypeRegistry.JSON)
                .get()
        );
        assertAcked(client().admin().indices().prepareAliases().addAlias("space-kb", "space-alias").get());
        assertAllRefused(index("space-kb", Map.of("a", "Some text.", "b", "More text.")), "space-kb", "all-minilm-l6-v2", "bge-small-en-v15");
        assertAllRefused(index("space-alias", Map.of("c", "Through the alias.")), "space-kb", "all-minilm-l6-v2", "bge-small-en-v15");
        assertEquals(0, client().prepareSearch("space-kb").setSize(0).get().getHits().getTotalHits().value());
        for (InferenceService inference : internalCluster().getInstances(InferenceService.class)) {
            assertTrue("a refused document loads no model", inference.loadedModels().stream().noneMatch(m -> m.id().equals("bge-small-en-v15")));
        }

        // an index of the caller's own, mapped for vectors of 8 dimensions, fed by a pipeline with a 384-dimension model
        String miniLm = "{\"processors\":[{\"realm_passages\":{\"field\":\"text\",\"model\":\"all-minilm-l6-v2\"}}]}";
        assertAcked(client().admin().cluster().preparePutPipeline("own-pipeline", new BytesArray(miniLm), MediaTypeRegistry.JSON).get());
        assertAcked(
            client().admin()
                .indices()
                .prepareCreate("own-index")
                .setSettings(Settings.builder().put("index.knn", true).put("index.default_pipeline", "own-pipeline"))
                .setMapping(RealmMapping.mapping("text", 8))
                .get()
        );
        assertAllRefused(index("own-index", Map.of("d", "Some text.")), "own-index", "[8]", "[384]", "all-minilm-l6-v2");
    }

    public void testErrors() {
        expectThrows(IndexNotFoundException.class, () -> ask("missing", "q", 3));

        assertAcked(client().admin().indices().prepareCreate("plain").get());
        IllegalArgumentException notRealm = expectThrows(IllegalArgumentException.class, () -> ask("plain", "q", 3));
        assertTrue(notRealm.getMessage(), notRealm.getMessage().contains("not a REALM index"));

        createRealmIndex("errors-kb", "all-minilm-l6-v2", 24);
        // a wildcard skips indices without passages, as _search would; naming one is an error
        assertEquals(List.of(), ask("*", "anything", 3).passages());
        expectThrows(IllegalArgumentException.class, () -> ask("plain,errors-kb", "q", 3));
        IllegalArgumentException bigK = expectThrows(IllegalArgumentException.class, () -> ask("errors-kb", "q", 101));
        assertTrue(bigK.getMessage(), bigK.getMessage().contains("[k] must be at most [100]"));
        IllegalArgumentException longQuery = expectThrows(IllegalArgumentException.class, () -> ask("errors-kb", "q".repeat(1001), 3));
        assertTrue(longQuery.getMessage(), longQuery.getMessage().contains("longer than the limit"));
        expectThrows(org.opensearch.action.ActionRequestValidationException.class, () -> ask("errors-kb", " ", 3));

        Exception exists = expectThrows(Exception.class, () -> createRealmIndex("errors-kb", "all-minilm-l6-v2", 24));
        assertEquals(RestStatus.BAD_REQUEST, org.opensearch.ExceptionsHelper.status(exists));
        Exception unknownModel = expectThrows(Exception.class, () -> createRealmIndex("other", "no-such-model", 24));
        assertEquals(RestStatus.NOT_FOUND, org.opensearch.ExceptionsHelper.status(unknownModel));
        Exception tooLong = expectThrows(Exception.class, () -> createRealmIndex("other", "all-minilm-l6-v2", 1000));
        assertEquals(RestStatus.BAD_REQUEST, org.opensearch.ExceptionsHelper.status(tooLong));
        assertFalse("a failed creation leaves no index behind", indexExists("other"));
    }
}
