/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * A BERT built in Java from DJL blocks (Hugging Face layout: embeddings, encoder layers, a span head), its shape, and
 * its weights: imported from an ONNX model's initializers or read from and written to safetensors. The runtime runs the
 * project's trained reader with it; the trainer trains it.
 *
 * <p>May import: nothing of the plugin.
 */
package org.opensearchrealm.model.bert;
