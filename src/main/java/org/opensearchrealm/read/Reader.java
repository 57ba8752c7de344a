/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.read;

import java.util.List;

/**
 * An extractive reader: finds answer spans for a question in passages, with a BERT-style model that scores the start
 * and end of a span over the tokens of {@code [CLS] question [SEP] passage [SEP]}. Thread-safe; calls block, so they
 * run on the inference pool.
 */
public interface Reader {

    /** The reader model's id. */
    String modelId();

    /**
     * Reads each passage for the question. Long passages are read in windows with a stride; span probabilities are
     * p(span | passage, question) = softmax(start logits)[s] * softmax(end logits)[e], over each window's tokens, the
     * best window's reading kept per span.
     *
     * @param maxAnswerTokens the longest span, in word pieces
     * @param topSpans how many spans to return per passage, best first
     */
    List<PassageReading> read(String question, List<String> passages, int maxAnswerTokens, int topSpans);

    /** What a reader found in one passage: its best spans, and the probability that the passage holds no answer. */
    record PassageReading(List<Span> spans, double noAnswerProbability) {}

    /** A span of a passage: UTF-16 offsets {@code [start, end)} into the passage text, its text and probability. */
    record Span(int start, int end, String text, double probability, double startLogit, double endLogit) {}
}
