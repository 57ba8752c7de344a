/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.ingest;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.core.action.ActionListener;
import org.opensearch.ingest.AbstractProcessor;
import org.opensearch.ingest.IngestDocument;
import org.opensearch.ingest.IngestDocumentWrapper;
import org.opensearchrealm.metrics.RealmMetrics;
import org.opensearchrealm.model.Encoder.TextKind;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.settings.RealmMapping;
import org.opensearchrealm.settings.SourceFieldValues;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@code realm_passages}: cuts a document's source field into passages, embeds them, and stores them (text, offsets,
 * vector) as the document's nested passages. All documents of a bulk request are embedded together, in batches; a
 * document whose passages cannot all be embedded is rejected whole, so none is indexed with missing vectors. A
 * document bound for an index of another embedding space ({@link EmbeddingSpaceCheck}) is refused before anything is
 * embedded.
 */
public final class PassageProcessor extends AbstractProcessor {

    public static final String TYPE = "realm_passages";
    private static final Logger logger = LogManager.getLogger(PassageProcessor.class);

    private final String sourceField;
    private final String modelId;
    private final PassageSplitter splitter;
    private final EmbeddingSpaceCheck targetCheck;
    private final InferenceService inference;
    private final RealmMetrics metrics;

    PassageProcessor(
        String tag,
        String description,
        String sourceField,
        String modelId,
        PassageSplitter splitter,
        EmbeddingSpaceCheck targetCheck,
        InferenceService inference,
        RealmMetrics metrics
    ) {
        super(tag, description);
        this.sourceField = sourceField;
        this.modelId = modelId;
        this.splitter = splitter;
        this.targetCheck = targetCheck;
        this.inference = inference;
        this.metrics = metrics;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    public IngestDocument execute(IngestDocument document) {
        throw new UnsupportedOperationException("[" + TYPE + "] embeds asynchronously on the inference pool");
    }

    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        batchExecute(List.of(new IngestDocumentWrapper(0, 0, document, null)), results -> {
            IngestDocumentWrapper result = results.get(0);
            handler.accept(result.getException() == null ? result.getIngestDocument() : null, result.getException());
        });
    }

    @Override
    public void batchExecute(List<IngestDocumentWrapper> documents, Consumer<List<IngestDocumentWrapper>> handler) {
        Exception[] failures = new Exception[documents.size()];
        inference.execute(InferenceService.Priority.BULK, () -> split(documents, failures), ActionListener.wrap(passages -> embed(documents, passages, failures, handler), e -> {
            logger.warn(() -> "[" + TYPE + "] could not cut " + documents.size() + " documents into passages with model [" + modelId + "]", e);
            handler.accept(fail(documents, failures, e));
        }));
    }

    /**
     * Passages of each document; a document that cannot be split gets its failure instead. The model is loaded for the
     * first document not refused by {@link #targetCheck}, so that refused documents load no model of another space.
     */
    private List<List<Passage>> split(List<IngestDocumentWrapper> documents, Exception[] failures) {
        List<List<Passage>> passages = new ArrayList<>(documents.size());
        Map<String, Optional<String>> refusals = new HashMap<>(); // by target index: a bulk's documents mostly share one
        for (int i = 0; i < documents.size(); i++) {
            List<Passage> documentPassages = List.of();
            IngestDocument document = documents.get(i).getIngestDocument();
            String index = (String) document.getSourceAndMetadata().get(IngestDocument.Metadata.INDEX.getFieldName());
            Optional<String> refusal = refusals.computeIfAbsent(String.valueOf(index), k -> Optional.ofNullable(targetCheck.refusal(index)));
            if (refusal.isPresent()) {
                failures[i] = new IllegalArgumentException(refusal.get());
            } else {
                try {
                    String text = sourceText(document);
                    if (text != null) {
                        documentPassages = splitter.split(text, inference.wordPieces(modelId, text));
                    }
                } catch (Exception e) { // a model that cannot load fails each document with its reason
                    failures[i] = e;
                }
            }
            passages.add(documentPassages);
        }
        return passages;
    }

    /** The source field's text, also when documents write the dotted field as one key ({@link SourceFieldValues}). */
    private String sourceText(IngestDocument document) {
        List<Object> values = SourceFieldValues.of(document.getSourceAndMetadata(), sourceField);
        if (values.size() > 1) {
            throw new IllegalArgumentException(
                "field [" + sourceField + "] is given " + values.size() + " times (as objects and as dotted keys), but must be one string to be cut into passages"
            );
        }
        Object value = values.isEmpty() ? null : values.get(0);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException(
            "field [" + sourceField + "] must be a string to be cut into passages, but is of type [" + value.getClass().getSimpleName() + "]"
        );
    }

    private void embed(
        List<IngestDocumentWrapper> documents,
        List<List<Passage>> passages,
        Exception[] failures,
        Consumer<List<IngestDocumentWrapper>> handler
    ) {
        List<String> texts = new ArrayList<>();
        for (List<Passage> documentPassages : passages) {
            documentPassages.forEach(p -> texts.add(p.text()));
        }
        inference.embed(modelId, texts, TextKind.PASSAGE, ActionListener.wrap(vectors -> {
            int next = 0;
            long embeddedDocuments = 0;
            long embeddedPassages = 0;
            List<IngestDocumentWrapper> results = new ArrayList<>(documents.size());
            for (int i = 0; i < documents.size(); i++) {
                IngestDocumentWrapper document = documents.get(i);
                List<Map<String, Object>> stored = new ArrayList<>(passages.get(i).size());
                for (Passage passage : passages.get(i)) {
                    stored.add(storedPassage(passage, vectors[next++]));
                }
                if (failures[i] == null) {
                    document.getIngestDocument().setFieldValue(RealmMapping.PASSAGES, stored);
                    embeddedDocuments++;
                    embeddedPassages += stored.size();
                }
                results.add(result(document, failures[i]));
            }
            metrics.ingested(embeddedDocuments, embeddedPassages, documents.size() - embeddedDocuments);
            handler.accept(results);
        }, e -> {
            logger.warn(() -> "[" + TYPE + "] embedding " + texts.size() + " passages with model [" + modelId + "] failed", e);
            handler.accept(fail(documents, failures, e));
        }));
    }

    private static Map<String, Object> storedPassage(Passage passage, float[] vector) {
        Map<String, Object> stored = new HashMap<>();
        stored.put(RealmMapping.NUMBER, passage.number());
        stored.put(RealmMapping.TEXT, passage.text());
        stored.put(RealmMapping.START, passage.start());
        stored.put(RealmMapping.END, passage.end());
        stored.put(RealmMapping.VECTOR, vector);
        return stored;
    }

    private List<IngestDocumentWrapper> fail(List<IngestDocumentWrapper> documents, Exception[] failures, Exception e) {
        metrics.ingested(0, 0, documents.size());
        List<IngestDocumentWrapper> results = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            results.add(result(documents.get(i), failures[i] != null ? failures[i] : e));
        }
        return results;
    }

    private static IngestDocumentWrapper result(IngestDocumentWrapper document, Exception failure) {
        return new IngestDocumentWrapper(
            document.getSlot(),
            document.getChildSlot(),
            failure == null ? document.getIngestDocument() : null,
            failure
        );
    }
}
