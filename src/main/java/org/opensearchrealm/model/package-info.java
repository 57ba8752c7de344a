/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The model runtime: model descriptors ({@code model.json}) and their files, the registry of a node's models (bundled
 * and operator-added, loaded once and warmed up, within a memory budget; preloaded for the cluster's REALM indices), the engines (ONNX Runtime, PyTorch, the Java BERT of
 * {@code model.bert}), tokenizers, encoders, QA networks, and the guards that turn native failures into errors.
 * {@link org.opensearchrealm.model.InferenceService} is the only door to models: it runs their work on the bounded
 * {@code realm_inference} pool (query work also on the {@code realm_query} lane, ingest held back while questions are
 * in flight) and answers 429 when it is full. The contract of a reader ({@link
 * org.opensearchrealm.model.Reader}) is here; its implementation is reading's, handed in as a
 * {@link org.opensearchrealm.model.ReaderFactory}.
 *
 * <p>May import: {@code model.bert}, {@code settings}.
 */
package org.opensearchrealm.model;
