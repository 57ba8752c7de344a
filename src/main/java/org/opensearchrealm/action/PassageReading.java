/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.action;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.action.ActionListener;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;
import org.opensearchrealm.action.RealmSearchResponse.Reading;
import org.opensearchrealm.answer.AnswerScorer;
import org.opensearchrealm.answer.Answers;
import org.opensearchrealm.model.InferenceService;
import org.opensearchrealm.model.ModelDescriptor;
import org.opensearchrealm.model.ModelException;
import org.opensearchrealm.read.ReadDispatcher;
import org.opensearchrealm.read.ReadNodeSelector;
import org.opensearchrealm.read.ReadRequest;
import org.opensearchrealm.read.ReaderError;
import org.opensearchrealm.retrieve.RetrievedPassage;
import org.opensearchrealm.retrieve.Retriever;
import org.opensearchrealm.settings.RealmSettings;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Reading retrieved passages for answers, the one way both {@code _realm} and the {@code realm_answers} search
 * processor read: the indices' reading settings ({@link #readConfig}), the most probable passages that hold the read
 * mass, a node that reads them ({@link ReadDispatcher}: an {@code ml} node, else the fallback, one retry), and REALM's
 * marginal scoring ({@link AnswerScorer}). A failed read does not fail the caller: it becomes a reading with an error.
 */
final class PassageReading {

    private static final Logger logger = LogManager.getLogger(PassageReading.class);

    /** Spans asked for per passage, at least: more than the answers, so that answers read in several passages add up. */
    static final int SPANS_PER_PASSAGE = 5;

    private final TransportService transportService;
    private final ClusterService clusterService;
    private final InferenceService inference;
    private final ReadDispatcher reads;

    PassageReading(TransportService transportService, ClusterService clusterService, InferenceService inference, ReadDispatcher reads) {
        this.transportService = transportService;
        this.clusterService = clusterService;
        this.inference = inference;
        this.reads = reads;
    }

    /** What is asked of the reader: the question, how many answers, whether to explain each passage's reading. */
    record Question(String text, int numAnswers, boolean explain) {}

    /**
     * The indices' reading settings: the reader, the strictest no-answer threshold, the longest answer allowed, the
     * sharpest retrieval temperature, the largest share of p(z | q) to read (or the request's).
     */
    record ReadConfig(String reader, double noAnswerThreshold, int maxAnswerTokens, double temperature, double readMass) {}

    /**
     * How to read the passages of the REALM indices among {@code indices}, or null not to read them: when
     * {@code read} is false, or null and the indices have no reader. They must share one reader (or all have none);
     * {@code read: true} on indices without a reader is an error.
     */
    ReadConfig readConfig(ClusterState state, String[] indices, Boolean read, Double requestReadMass) {
        return readConfig(state, indices, read, requestReadMass, this::calibratedThreshold);
    }

    static ReadConfig readConfig(
        ClusterState state,
        String[] indices,
        Boolean read,
        Double requestReadMass,
        ToDoubleFunction<String> calibratedThreshold
    ) {
        if (Boolean.FALSE.equals(read)) {
            return null;
        }
        String reader = null;
        String readerIndex = null;
        double threshold = 1.0;
        int maxAnswerTokens = 1;
        double temperature = Double.MAX_VALUE;
        double readMass = 0;
        for (String index : indices) {
            Settings settings = state.metadata().index(index).getSettings();
            if (RealmSettings.INDEX_MODEL.get(settings).isEmpty()) {
                continue; // not a REALM index: skipped or refused by modelOf
            }
            String indexReader = RealmSettings.INDEX_READER.get(settings);
            if (reader != null && reader.equals(indexReader) == false) {
                throw new IllegalArgumentException(
                    "indices ["
                        + readerIndex
                        + "] and ["
                        + index
                        + "] use different readers ["
                        + describeReader(reader)
                        + "] and ["
                        + describeReader(indexReader)
                        + "] ("
                        + RealmSettings.INDEX_READER.getKey()
                        + "); ask them separately, or set [read] to false"
                );
            }
            reader = indexReader;
            readerIndex = index;
            threshold = Math.min(
                threshold,
                RealmSettings.INDEX_NO_ANSWER_THRESHOLD.exists(settings) || indexReader.isEmpty()
                    ? RealmSettings.INDEX_NO_ANSWER_THRESHOLD.get(settings)
                    : calibratedThreshold.applyAsDouble(indexReader)
            );
            maxAnswerTokens = Math.max(maxAnswerTokens, RealmSettings.INDEX_MAX_ANSWER_TOKENS.get(settings));
            temperature = Math.min(temperature, RealmSettings.INDEX_RETRIEVAL_TEMPERATURE.get(settings));
            readMass = Math.max(readMass, RealmSettings.INDEX_READ_MASS.get(settings));
        }
        if (reader == null) {
            return null; // no REALM index
        }
        if (reader.isEmpty()) {
            if (Boolean.TRUE.equals(read)) {
                throw new IllegalArgumentException(
                    "[read] is true but index ["
                        + readerIndex
                        + "] has no reader; set ["
                        + RealmSettings.INDEX_READER.getKey()
                        + "] to an extractive_qa model"
                );
            }
            return null;
        }
        return new ReadConfig(reader, threshold, maxAnswerTokens, temperature, requestReadMass != null ? requestReadMass : readMass);
    }

    /**
     * The no-answer threshold the reader's model.json gives, for indices that set none; 1 when it gives none or is not
     * a reader here (the read then reports the reader's error).
     */
    double calibratedThreshold(String readerId) {
        try {
            ModelDescriptor descriptor = inference.descriptor(readerId, ModelDescriptor.Task.EXTRACTIVE_QA);
            return descriptor.reader() == null ? RealmSettings.DEFAULT_NO_ANSWER_THRESHOLD : descriptor.reader().noAnswerThreshold();
        } catch (ModelException e) {
            return RealmSettings.DEFAULT_NO_ANSWER_THRESHOLD;
        }
    }

    private static String describeReader(String reader) {
        return reader.isEmpty() ? "none" : reader;
    }

    /**
     * Reads the passages (best first) and scores the answers; a failed read becomes a reading with an error.
     *
     * @param retrieval the passages, best first, and the shard copy that served each (null where unknown): a node that
     *                  holds them reads them when it can
     */
    void read(
        Task task,
        Question question,
        ReadConfig config,
        Retriever.Retrieval retrieval,
        ActionListener<Reading> listener
    ) {
        long start = System.nanoTime();
        AnswerScorer scorer = new AnswerScorer(
            question.numAnswers(),
            config.temperature(),
            config.noAnswerThreshold(),
            question.explain()
        );
        List<RetrievedPassage> retrieved = retrieval.passages();
        // adaptive reading: the most probable passages, best first, that hold the read mass; answers marginalise over them
        List<RetrievedPassage> passages = retrieved.subList(0, AnswerScorer.passagesToRead(retrieved, config.temperature(), config.readMass()));
        if (passages.isEmpty()) { // nothing to read: "no answer", without asking any node
            listener.onResponse(Reading.answered(config.reader(), 0, scorer.score(passages, List.of()), null, 0, question.explain(), config.noAnswerThreshold(), 0));
            return;
        }
        ReadRequest readRequest = new ReadRequest(
            config.reader(),
            question.text(),
            passages.stream().map(p -> p.text() == null ? "" : p.text()).toList(),
            config.maxAnswerTokens(),
            Math.max(question.numAnswers(), SPANS_PER_PASSAGE)
        );
        reads.read(transportService, task, readRequest, () -> ReadNodeSelector.passageHolders(clusterService.state(), retrieval.shards()), ActionListener.wrap(outcome -> {
            double millis = (System.nanoTime() - start) / 1e6;
            if (outcome.ok() == false) {
                listener.onResponse(
                    Reading.failed(config.reader(), millis, outcome.error(), outcome.attempts(), question.explain(), config.noAnswerThreshold(), passages.size())
                );
                return;
            }
            Reading reading;
            try {
                Answers answers = scorer.score(passages, outcome.readings());
                reading = Reading.answered(
                    config.reader(),
                    millis,
                    answers,
                    outcome.node(),
                    outcome.attempts(),
                    question.explain(),
                    config.noAnswerThreshold(),
                    passages.size()
                );
            } catch (Exception e) { // readings that do not fit the passages: a broken reader, reported like one
                logger.warn("the readings of node [" + outcome.node() + "] do not fit the passages", e);
                ReaderError error = ReaderError.of(e, List.of(outcome.node()));
                reading = Reading.failed(config.reader(), millis, error, outcome.attempts(), question.explain(), config.noAnswerThreshold(), passages.size());
            }
            listener.onResponse(reading);
        }, listener::onFailure));
    }

}
