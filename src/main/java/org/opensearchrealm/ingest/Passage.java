/*
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearchrealm.ingest;

/** A passage of a source text: characters {@code [start, end)} of it, and its number within the document. */
public record Passage(int number, int start, int end, String text) {}
