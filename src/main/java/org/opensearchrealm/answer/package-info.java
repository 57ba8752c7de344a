/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Answers: REALM's marginal scoring p(answer | q) = sum over passages z of p(answer | z, q) p(z | q), with p(z | q)
 * the tempered softmax of retrieval scores; answers merged by their SQuAD-normalised text; the no-answer decision; and
 * the answer records a response renders.
 *
 * <p>May import: {@code model}, {@code retrieve}, {@code settings}.
 */
package org.opensearchrealm.answer;
