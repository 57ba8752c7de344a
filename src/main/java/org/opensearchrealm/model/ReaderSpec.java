/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.model;

import org.opensearchrealm.model.bert.BertConfig;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a reader's descriptor ({@code "task": "extractive_qa"}) adds: how long passages are cut into windows
 * ({@code doc_stride} tokens shared by consecutive windows, questions cut to {@code max_question_tokens}), the names of
 * the start and end logits outputs, the no-answer threshold the reader was calibrated for ({@code no_answer_threshold}:
 * what an index without its own {@code index.realm.no_answer_threshold} uses; 1, never abstain, when absent), and, for
 * a BERT built in Java ({@code "format": "djl"}), the network's shape.
 */
public record ReaderSpec(int docStride, int maxQuestionTokens, List<String> outputs, double noAnswerThreshold, BertConfig architecture) {

    /** The descriptor fields only readers have. */
    static final List<String> FIELDS = List.of("doc_stride", "max_question_tokens", "outputs", "no_answer_threshold");
    public static final String START_LOGITS = "start_logits";
    public static final String END_LOGITS = "end_logits";
    static final List<String> DEFAULT_OUTPUTS = List.of(START_LOGITS, END_LOGITS);
    public static final int DEFAULT_DOC_STRIDE = 128;
    public static final int DEFAULT_MAX_QUESTION_TOKENS = 64;
    /** Special tokens a question/passage pair may need at most ({@code <s> q </s></s> p </s>} has four). */
    static final int MAX_PAIR_SPECIAL_TOKENS = 4;
    private static final Set<String> ARCHITECTURE_FIELDS = new LinkedHashSet<>(
        List.of("layers", "hidden", "heads", "intermediate", "vocab", "max_positions", "type_vocab", "layer_norm_eps")
    );

    public ReaderSpec {
        outputs = List.copyOf(outputs);
    }

    /**
     * @param maxTokens the window length the descriptor gives
     * @param djl       whether the reader is a BERT built in Java, whose shape the descriptor must give
     */
    static ReaderSpec parse(DescriptorFields fields, int maxTokens, boolean djl) {
        int docStride = fields.optionalInt("doc_stride", DEFAULT_DOC_STRIDE, 0, ModelDescriptor.MAX_TOKENS_LIMIT);
        int maxQuestionTokens = fields.optionalInt("max_question_tokens", DEFAULT_MAX_QUESTION_TOKENS, 1, ModelDescriptor.MAX_TOKENS_LIMIT);
        int room = maxTokens - maxQuestionTokens - MAX_PAIR_SPECIAL_TOKENS;
        if (docStride >= room) {
            throw fields.invalid(
                "[doc_stride] ("
                    + docStride
                    + ") must be smaller than [max_tokens] - [max_question_tokens] - "
                    + MAX_PAIR_SPECIAL_TOKENS
                    + " = "
                    + maxTokens
                    + " - "
                    + maxQuestionTokens
                    + " - "
                    + MAX_PAIR_SPECIAL_TOKENS
                    + " = "
                    + room
                    + ", the fewest passage tokens a window holds, so that windows move forward"
            );
        }
        List<String> outputs = DEFAULT_OUTPUTS;
        if (fields.has("outputs")) {
            outputs = fields.stringList("outputs");
            if (outputs.size() != 2 || outputs.get(0).isEmpty() || outputs.get(1).isEmpty() || outputs.get(0).equals(outputs.get(1))) {
                throw fields.invalid("[outputs] must name two different outputs, the start logits and the end logits, got " + outputs);
            }
        }
        BertConfig architecture = null;
        if (djl) {
            architecture = architecture(fields);
        } else if (fields.has("architecture")) {
            throw fields.invalid("[architecture] applies only to djl models: an ONNX or TorchScript file holds its own");
        }
        double noAnswerThreshold = fields.optionalDouble("no_answer_threshold", 1.0, 0.0, 1.0);
        return new ReaderSpec(docStride, maxQuestionTokens, outputs, noAnswerThreshold, architecture);
    }

    private static BertConfig architecture(DescriptorFields fields) {
        DescriptorFields shape = fields.object("architecture", "for djl models");
        shape.rejectUnknown(ARCHITECTURE_FIELDS, "[architecture] has ");
        int hidden = shape.requiredInt("hidden", 1, EncoderSpec.MAX_DIMENSION);
        int heads = shape.requiredInt("heads", 1, hidden);
        if (hidden % heads != 0) {
            throw fields.invalid("[architecture.hidden] (" + hidden + ") must be a multiple of [architecture.heads] (" + heads + ")");
        }
        Object eps = shape.raw("layer_norm_eps", 1e-12);
        double epsilon = eps instanceof Number n ? n.doubleValue() : Double.NaN;
        if ((epsilon > 0 && epsilon < 1) == false) {
            throw fields.invalid("[architecture.layer_norm_eps] must be a number between 0 and 1, got [" + eps + "]");
        }
        return new BertConfig(
            shape.requiredInt("vocab", 1, 1 << 24),
            hidden,
            shape.requiredInt("layers", 1, 256),
            heads,
            shape.requiredInt("intermediate", 1, 16 * EncoderSpec.MAX_DIMENSION),
            shape.requiredInt("max_positions", 2, ModelDescriptor.MAX_TOKENS_LIMIT),
            shape.optionalInt("type_vocab", 2, 1, 16),
            (float) epsilon,
            0f
        );
    }
}
